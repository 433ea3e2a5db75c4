package call48

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultScenario(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "default.yaml"))
	require.NoError(t, err)
	e := newEnv(t, "version: 1\nseed: 42\nclock: {start: \"2026-01-05T09:00:00Z\", mode: frozen}\n"+extractSection(t, string(raw)))
	mark := e.login("mark", "password")
	e.login("acme", "acme-password")
	r := e.do("POST", "/api/v4/admin_login", "", map[string]string{"user_name": "spadmin", "password": "password"})
	assert.EqualValues(t, 200, r.json(t)["code"])
	assert.Len(t, dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=50", mark, nil)), 5)
	l := portList(t, e, mark, map[string]any{"page": "1", "limit": "10"})
	assert.EqualValues(t, 1, l["totalRecords"], "a port-in is under way")
}

// extractSection cuts the call48 section out of a scenario file.
func extractSection(t *testing.T, file string) string {
	t.Helper()
	var out []string
	in := false
	for _, line := range strings.Split(file, "\n") {
		if strings.HasPrefix(line, "call48:") {
			in = true
		} else if in && line != "" && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "#") {
			break
		}
		if in {
			out = append(out, line)
		}
	}
	require.NotEmpty(t, out)
	return strings.Join(out, "\n") + "\n"
}
