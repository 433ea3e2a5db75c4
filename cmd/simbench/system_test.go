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

func TestLibcIn(t *testing.T) {
	cases := []struct {
		name, maps, want string
	}{
		{"static", "00400000-00bf1000 r-xp 00000000 08:01 123 /tmp/simulator\n7ffd1000-7ffd3000 rw-p 00000000 00:00 0 [stack]\n", ""},
		{"glibc", "00400000-00bf1000 r-xp 00000000 08:01 123 /tmp/simulator\n7f00a000-7f00c000 r--p 00000000 08:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6\n", "libc.so.6"},
		{"old glibc name", "7f00a000-7f00c000 r-xp 00000000 08:01 99 /lib/x86_64-linux-gnu/libc-2.31.so\n", "libc-2.31.so"},
		{"musl", "7f00a000-7f00c000 r-xp 00000000 08:01 99 /lib/ld-musl-x86_64.so.1\n", "ld-musl-x86_64.so.1"},
		{"a file merely named like it", "7f00a000-7f00c000 r--p 00000000 08:01 99 /data/libcurl.so.4\n", ""},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, libcIn(c.maps))
		})
	}
}
