package somos

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/oas"
)

func TestSpecCoversEveryRoute(t *testing.T) {
	spec, err := oas.Load(openapiYAML)
	require.NoError(t, err)
	p := New(Options{})
	for _, r := range p.Routes() {
		_, ok := spec.Operation(r.Path, r.Method)
		assert.True(t, ok, "%s %s", r.Method, r.Path)
	}
	for _, r := range p.ControlRoutes() {
		assert.Regexp(t, `^/somos/`, r.Path)
	}
}
