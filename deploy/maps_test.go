package deploy_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var mapBlock = regexp.MustCompile(`(?s)map \$\S+ \$\S+ \{.*?\n\s*\}`)

// The ingress-nginx controller must derive $sim_tenant exactly as the
// shipped nginx.conf does, or the two setups would place tenants
// differently.
func TestIngressNginxMapsMatchNginxConf(t *testing.T) {
	conf, err := os.ReadFile("nginx/nginx.conf")
	require.NoError(t, err)
	values, err := os.ReadFile("helm/ingress-nginx-values.yaml")
	require.NoError(t, err)
	normal := func(blocks [][]byte) []string {
		var out []string
		for _, b := range blocks {
			out = append(out, strings.Join(strings.Fields(string(b)), " "))
		}
		return out
	}
	want := normal(mapBlock.FindAll(conf, -1))
	require.Len(t, want, 3, "nginx.conf derives the tenant in three maps")
	assert.Equal(t, want, normal(mapBlock.FindAll(values, -1)))
	assert.Contains(t, string(conf), "hash $sim_tenant consistent;")
}
