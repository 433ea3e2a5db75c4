package scenarios_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestShippedScenariosMatchTheSchema checks schema.json against real files:
// every scenario shipped here must validate, so editors using the schema
// never flag a correct file, and a few broken ones must not.
func TestShippedScenariosMatchTheSchema(t *testing.T) {
	raw, err := os.ReadFile("schema.json")
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("schema.json", doc))
	schema, err := c.Compile("schema.json")
	require.NoError(t, err)

	asJSON := func(t *testing.T, yamlText []byte) any {
		t.Helper()
		var v any
		require.NoError(t, yaml.Unmarshal(yamlText, &v))
		b, err := json.Marshal(v)
		require.NoError(t, err)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err)
		return inst
	}

	files, err := fs.Glob(os.DirFS("."), "*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Clean(f))
			require.NoError(t, err)
			assert.NoError(t, schema.Validate(asJSON(t, data)))
		})
	}
	for _, bad := range []string{
		"name: no version\n",
		"version: 1\nflowroute:\n  acounts: []\n",
		"version: 1\nclock: {start: 5}\n",
		"version: 2\n",
		"version: 1\nfaults:\n  - {provider: flowroute, route: \"GET /cnams\", latency: {gaussian: 1}}\n",
	} {
		assert.Error(t, schema.Validate(asJSON(t, []byte(bad))), strings.TrimSpace(bad))
	}
}
