// Package compose holds the scenario used by the repository's
// docker-compose.yml; its test keeps the file valid.
package compose

import (
	"os"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

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

// TestComposeMountsWhatTheScenarioIncludes: in the container, the scenario's
// include resolves to the mounted scenarios/default.yaml.
func TestComposeMountsWhatTheScenarioIncludes(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	require.NoError(t, err)
	var doc struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	sim := doc.Services["simulator"]
	inContainer := map[string]string{} // repository path -> container path
	for _, v := range sim.Volumes {
		parts := strings.Split(v, ":")
		require.GreaterOrEqual(t, len(parts), 2, v)
		inContainer[path.Clean(parts[0])] = parts[1]
	}
	scenarioFile := sim.Environment["SIM_SCENARIO"]
	require.Equal(t, inContainer["examples/compose/scenario.yaml"], scenarioFile, "SIM_SCENARIO is the mounted compose scenario")
	defaultDir, ok := inContainer["scenarios"]
	require.True(t, ok, "scenarios/ is mounted")
	included := path.Join(path.Dir(scenarioFile), "../../scenarios/default.yaml")
	assert.Equal(t, path.Join(defaultDir, "default.yaml"), included, "the include resolves to the mounted default scenario")
}
