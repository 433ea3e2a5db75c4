package somos

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/oas"
)

func TestSpecLoads(t *testing.T) {
	_, err := oas.Load(openapiYAML)
	require.NoError(t, err)
}
