package main

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplicaName(t *testing.T) {
	host := hostname()
	require.NotEmpty(t, host, "the machine has a host name")
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"host name by default", nil, nil, host},
		{"environment", nil, map[string]string{"SIM_REPLICA_NAME": "sim-1"}, "sim-1"},
		{"flag beats environment", []string{"--replica-name", "sim-2"}, map[string]string{"SIM_REPLICA_NAME": "sim-1"}, "sim-2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := parseServe(c.args, func(k string) string { return c.env[k] }, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, c.want, o.replica)
		})
	}
}

func TestServeNamesItsReplica(t *testing.T) {
	base, stop, _ := startServe(t, "--replica-name", "sim-7")
	defer func() { require.NoError(t, stop()) }()
	resp, err := http.Get(base + "/t/job-1/__sim/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "sim-7", resp.Header.Get("X-Sim-Replica"))
}
