package main

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"serve", "--help"}, {"serve", "--addr", ":0", "-help"}, {"help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut strings.Builder
			err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
			require.NoError(t, err)
			assert.Contains(t, out.String(), "--log-format")
			assert.Contains(t, out.String(), "--clock-start")
			assert.Empty(t, errOut.String())
		})
	}
	var out, errOut strings.Builder
	err := run(context.Background(), []string{"serve", "--no-such-flag"}, func(string) string { return "" }, &out, &errOut)
	require.Error(t, err, "an unknown flag is still an error")
}

func TestServeFlagsFromEnvironment(t *testing.T) {
	env := map[string]string{"SIM_LOG_FORMAT": "json", "SIM_CLOCK_START": "now-2h"}
	o, err := parseServe(nil, func(k string) string { return env[k] }, &strings.Builder{})
	require.NoError(t, err)
	assert.Equal(t, "json", o.logFormat)
	cs, err := o.clockStartOverride()
	require.NoError(t, err)
	require.NotNil(t, cs)
	assert.True(t, cs.FromNow)
	assert.Equal(t, -2*time.Hour, cs.Offset)

	o, err = parseServe([]string{"--log-format", "text", "--clock-start", "2027-01-01T00:00:00Z"}, func(k string) string { return env[k] }, &strings.Builder{})
	require.NoError(t, err)
	assert.Equal(t, "text", o.logFormat, "the flag wins over the environment")
	cs, err = o.clockStartOverride()
	require.NoError(t, err)
	assert.Equal(t, "2027-01-01T00:00:00Z", cs.String())

	o, err = parseServe(nil, func(string) string { return "" }, &strings.Builder{})
	require.NoError(t, err)
	cs, err = o.clockStartOverride()
	require.NoError(t, err)
	assert.Nil(t, cs, "no flag: the scenario's own start")
}

func TestServeRefusesBadLogFormatAndClockStart(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--log-format", "xml"}, `--log-format: "xml" is not text or json`},
		{[]string{"--clock-start", "tomorrow"}, "--clock-start:"},
	} {
		err := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...), func(string) string { return "" }, &strings.Builder{}, &strings.Builder{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), tt.want)
	}
}

func TestServeJSONLogsAndClockStartNow(t *testing.T) {
	base, stop, logs := startServe(t, "--log-format", "json", "--log-level", "debug", "--clock-start", "now")
	resp, err := http.Get(base + "/__sim/clock")
	require.NoError(t, err)
	var c struct{ Now time.Time }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&c))
	resp.Body.Close()
	assert.WithinDuration(t, time.Now(), c.Now, time.Minute, "--clock-start now: the clock reads the wall clock")

	require.NoError(t, stop())
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec), "not a JSON log line: %s", l)
		assert.Contains(t, rec, "msg")
		assert.Contains(t, rec, "level")
	}
	assert.Contains(t, logs.String(), `"msg":"stopped"`)
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name     string
		settings []debug.BuildSetting
		want     string
	}{
		{"no VCS stamp", nil, "devel"},
		{"clean checkout", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}, "devel+0123456789ab"},
		{"local changes", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}, "devel+0123456789ab-dirty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, versionFromSettings(tt.settings))
		})
	}

	info := []struct{ main, want string }{
		{"v0.1.0", "v0.1.0"},
		{"(devel)", "devel"},
		{"", "devel"},
		{"v0.0.0-20261204235707-1243e3c548ab", "devel"}, // the commit comes from the vcs settings, absent here
		{"v0.0.0-20261204235707-1243e3c548ab+dirty", "devel"},
	}
	for _, tt := range info {
		assert.Equal(t, tt.want, versionFromInfo(tt.main, nil), tt.main)
	}
	stamped := []debug.BuildSetting{{Key: "vcs.revision", Value: "1243e3c548ab31affcf0bee281a15d9fe38eefeb"}}
	assert.Equal(t, "devel+1243e3c548ab", versionFromInfo("v0.0.0-20261204235707-1243e3c548ab", stamped))

	old := version
	t.Cleanup(func() { version = old })
	version = "v1.2.3"
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"version"}, func(string) string { return "" }, &out, &strings.Builder{}))
	assert.Equal(t, "simulator v1.2.3\n", out.String())
}
