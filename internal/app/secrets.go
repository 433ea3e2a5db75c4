package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"github.com/telecomsim/simulator/internal/scenario"
)

// newProcessKey draws the key every tenant's signing keys derive from.
func newProcessKey() ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("drawing the process key: %w", err)
	}
	return key, nil
}

// secret is the 32-byte key a provider signs with in one tenant (tokens,
// presigned URLs, drawn credentials). By default it derives from a key drawn
// at start, so it differs per process and per tenant and nobody can compute
// it from the scenario; a scenario's secrets.pin makes it derive from the pin
// instead, for tests that need the same tokens on every run. A restart keeps
// a tenant's tokens valid only through --state-file, which saves the keys
// with the state.
func (a *App) secret(sc *scenario.Scenario, tenantID, providerName string) []byte {
	if pin := sc.Secrets.Pin; pin != "" {
		sum := sha256.Sum256([]byte("pinned\x00" + pin + "\x00" + tenantID + "\x00" + providerName))
		return sum[:]
	}
	m := hmac.New(sha256.New, a.processKey)
	m.Write([]byte(tenantID + "\x00" + providerName))
	return m.Sum(nil)
}
