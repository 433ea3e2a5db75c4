// Package compose holds the scenario used by the repository's
// docker-compose.yml; its test keeps the file valid.
package compose

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/scenario"
)

func TestComposeScenarioIsValid(t *testing.T) {
	data, err := os.ReadFile("scenario.yaml")
	require.NoError(t, err)
	sc, err := scenario.Parse("scenario.yaml", data, app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	_, err = a.ParseScenario("scenario.yaml", data, nil)
	require.NoError(t, err)
	_, err = a.World("default")
	require.NoError(t, err, "the scenario builds a world")
}
