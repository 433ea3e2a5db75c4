package reliability

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCredentials proves the demo logins every other test builds on work:
// each provider answers a secure read with a 2xx.
func TestCredentials(t *testing.T) {
	s := newSim(t)
	probes := map[string]struct{ path, scheme string }{
		"flowroute": {"/v2/numbers", "basic"},
		"somos":     {"/cnam/8009900001", "idToken"},
		"call48":    {"/api/v4/states", "token"},
		"tmobile":   {"/account/status", "bearer+pop"},
	}
	for _, name := range s.names() {
		p, ok := probes[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			tn := s.tenant("creds")
			sign := s.creds(t, tn, name)[p.scheme]
			out := s.do(req{Tenant: tn, Provider: name, Method: http.MethodGet, Path: p.path, Sign: sign})
			assert.Less(t, out.Status, 300, out.String())
		})
	}
}
