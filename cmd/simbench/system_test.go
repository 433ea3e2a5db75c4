package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestChildEnv(t *testing.T) {
	cases := []struct {
		name  string
		env   []string
		procs int
		want  []string
	}{
		{"profiling off like the simulator", []string{"HOME=/h"}, 0, []string{"HOME=/h", "GODEBUG=memprofilerate=0"}},
		{"other GODEBUG settings kept", []string{"GODEBUG=gctrace=1"}, 0, []string{"GODEBUG=gctrace=1,memprofilerate=0"}},
		{"a rate the user set wins", []string{"GODEBUG=memprofilerate=1"}, 0, []string{"GODEBUG=memprofilerate=1"}},
		{"an empty GODEBUG", []string{"GODEBUG="}, 0, []string{"GODEBUG=memprofilerate=0"}},
		{"GOMAXPROCS", nil, 1, []string{"GODEBUG=memprofilerate=0", "GOMAXPROCS=1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, childEnv(c.env, c.procs))
		})
	}
}

func TestSetsMemProfileRate(t *testing.T) {
	assert.False(t, setsMemProfileRate(""))
	assert.False(t, setsMemProfileRate("gctrace=1"))
	assert.True(t, setsMemProfileRate("gctrace=1,memprofilerate=4096"))
}
