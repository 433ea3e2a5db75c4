package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecretsAndJournalBytes(t *testing.T) {
	tests := []struct {
		name, yaml string
		pin        string
		bytes      int
		problem    string
	}{
		{name: "absent: random keys", yaml: "version: 1\n", bytes: DefaultJournalBytes},
		{name: "pinned", yaml: "version: 1\nsecrets: {pin: ci-fixed}\n", pin: "ci-fixed", bytes: DefaultJournalBytes},
		{name: "empty pin", yaml: "version: 1\nsecrets: {pin: \"\"}\n", problem: "secrets.pin: required"},
		{name: "secrets without pin", yaml: "version: 1\nsecrets: {}\n", problem: "secrets.pin: required"},
		{name: "unknown secrets key", yaml: "version: 1\nsecrets: {key: x}\n", problem: "key"},
		{name: "journal bytes", yaml: "version: 1\njournal: {bytes: 1024}\n", bytes: 1024},
		{name: "journal bytes too big", yaml: "version: 1\njournal: {bytes: 999999999999}\n", problem: "journal.bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse("s.yaml", []byte(tt.yaml), nil, nil)
			if tt.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.pin, sc.Secrets.Pin)
			assert.Equal(t, tt.bytes, sc.Journal.Bytes)
		})
	}
}
