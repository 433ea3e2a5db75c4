package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTenantIdleAndJournalSecretsFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		idle    time.Duration
		secrets bool
		err     string
	}{
		{name: "defaults", idle: 30 * time.Minute},
		{name: "environment", env: map[string]string{"SIM_TENANT_IDLE": "5m", "SIM_JOURNAL_SECRETS": "1"}, idle: 5 * time.Minute, secrets: true},
		{name: "flags beat environment", args: []string{"--tenant-idle", "90s", "--journal-secrets"}, env: map[string]string{"SIM_TENANT_IDLE": "5m"}, idle: 90 * time.Second, secrets: true},
		{name: "bad environment", env: map[string]string{"SIM_TENANT_IDLE": "soon"}, err: "SIM_TENANT_IDLE"},
		{name: "zero flag", args: []string{"--tenant-idle", "0s"}, err: "--tenant-idle"},
		{name: "negative flag", args: []string{"--tenant-idle", "-1m"}, err: "--tenant-idle"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := parseServe(c.args, func(k string) string { return c.env[k] }, io.Discard)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.idle, o.tenantIdle)
			assert.Equal(t, c.secrets, o.journalSecrets)
		})
	}
}
