package reliability

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// Every tenant builds its whole world from the scenario, so what a scenario
// may generate is capped per tenant, at validation (docs/reliability.md).
func TestGenerateCaps(t *testing.T) {
	a, err := app.New(app.Config{Scenario: defaultScenario(t), Providers: providers()})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	tests := []struct {
		name, yaml, problem string
	}{
		{"flowroute at the cap", "flowroute:\n  accounts:\n    - {accessKey: a, secretKey: s, numbers: {generate: 100000}}\n", ""},
		{"flowroute one account over", "flowroute:\n  accounts:\n    - {accessKey: a, secretKey: s, numbers: {generate: 100001}}\n", "flowroute.accounts[0].numbers.generate"},
		{"flowroute sum over accounts", "flowroute:\n  accounts:\n    - {accessKey: a, secretKey: s, numbers: {generate: 60000}}\n    - {accessKey: b, secretKey: s, numbers: {generate: 60000}}\n", "adds up to 120000"},
		{"tnregistry over", "tnregistry:\n  numbers: {generate: 200001, respOrgs: [BRSMS]}\n", "tnregistry.numbers.generate"},
		{"call48 local over", "call48:\n  inventory: {local: 1000001}\n", "call48.inventory"},
		{"call48 toll over", "call48:\n  inventory: {toll: 20001}\n", "call48.inventory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.ParseScenario("s.yaml", []byte("version: 1\n"+tt.yaml), nil)
			if tt.problem == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.problem)
		})
	}
}
