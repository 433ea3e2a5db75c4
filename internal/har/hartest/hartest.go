// Package hartest checks, in tests, that a document is a structurally valid
// HAR 1.2 file: har-1.2.schema.json is written from the HAR 1.2
// specification's list of required fields and types.
package hartest

import (
	"bytes"
	_ "embed"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

//go:embed har-1.2.schema.json
var schemaJSON []byte

// Validate fails the test when doc is not a valid HAR 1.2 document.
func Validate(t testing.TB, doc []byte) {
	t.Helper()
	require.NoError(t, Check(doc))
}

// Check reports why doc is not a valid HAR 1.2 document.
func Check(doc []byte) error {
	s, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("har.json", s); err != nil {
		return err
	}
	schema, err := c.Compile("har.json")
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return schema.Validate(inst)
}
