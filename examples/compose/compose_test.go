// Package compose holds the scenario used by the repository's
// docker-compose.yml; its test keeps the file valid.
package compose

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
	t.Cleanup(a.Close)
	_, err = a.ParseScenario("scenario.yaml", data, nil)
	require.NoError(t, err)
	_, err = a.World("default")
	require.NoError(t, err, "the scenario builds a world")
}

// TestComposeIncludesTheDefaultWorld: every credential of the default
// scenario (the README's table) works in docker compose, and the receiver
// is subscribed besides the default's inbox.
func TestComposeIncludesTheDefaultWorld(t *testing.T) {
	data, err := os.ReadFile("scenario.yaml")
	require.NoError(t, err)
	sc, err := scenario.Parse("scenario.yaml", data, app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	assert.Contains(t, string(data), "include: [../../scenarios/default.yaml]")
	compose, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	t.Cleanup(compose.Close)
	def, err := app.DefaultScenario()
	require.NoError(t, err)
	defApp, err := app.New(app.Config{Scenario: def})
	require.NoError(t, err)
	t.Cleanup(defApp.Close)

	for _, p := range []string{"flowroute", "somos", "call48", "tmobile"} {
		assert.Equal(t, defApp.Credentials("default", p), compose.Credentials("default", p), "%s credentials", p)
	}
	var subs []string
	for _, c := range compose.Credentials("default", "tnregistry") {
		subs = append(subs, c.Label+" "+c.Values["url"])
	}
	joined := strings.Join(subs, "\n")
	for _, c := range defApp.Credentials("default", "tnregistry") {
		assert.Contains(t, joined, c.Label+" "+c.Values["url"], "the default's inbox subscriptions are kept")
	}
	assert.Contains(t, joined, "http://uns-receiver:9000")
	assert.Equal(t, def.Clock.Start, sc.Clock.Start, "the default's clock")
	assert.Equal(t, def.Seed, sc.Seed, "and seed, so generated data matches the README")
}
