package somos

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// The paths the document does not give are marked as the simulator's own in
// the OpenAPI document, and only those.
func TestInventedPathsAreMarked(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(openapiYAML, &doc))
	var marked []string
	for p, item := range doc.Paths {
		if item["x-sim-invented"] == true {
			marked = append(marked, p)
		}
	}
	assert.ElementsMatch(t, []string{"/bulkfiles/download", "/uploads/{token}", "/downloads/{token}"}, marked)
}
