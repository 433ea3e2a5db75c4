package flowroute

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// sameAsBasicAuth checks basicCredentials against net/http's BasicAuth for
// one Authorization header value.
func sameAsBasicAuth(t *testing.T, value string, set bool) {
	t.Helper()
	r := &http.Request{Header: http.Header{}}
	if set {
		r.Header.Set("Authorization", value)
	}
	wantUser, wantPass, wantOK := r.BasicAuth()
	var buf [192]byte
	user, pass, ok := basicCredentials(r.Header, buf[:])
	if !ok && wantOK {
		// only credentials too long for buf may be left to BasicAuth
		assert.Greater(t, len(wantUser)+len(wantPass)+1, len(buf), "%q", value)
		return
	}
	assert.Equal(t, wantOK, ok, "%q", value)
	assert.Equal(t, wantUser, string(user), "%q", value)
	assert.Equal(t, wantPass, string(pass), "%q", value)
}

func TestBasicCredentialsMatchNetHTTP(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'k'
	}
	for _, tc := range []struct {
		name  string
		value string
		set   bool
	}{
		{"absent", "", false},
		{"demo", "Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ==", true},
		{"scheme in another case", "bAsIc ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ==", true},
		{"no colon", "Basic ZGVtbw==", true},
		{"empty password", "Basic dXNlcjo=", true},
		{"colon in the password", "Basic dTpwOnE=", true},
		{"bad base64", "Basic !!!", true},
		{"unpadded", "Basic dTpw", true},
		{"other scheme", "Bearer abc", true},
		{"scheme only", "Basic ", true},
		{"short", "Basi", true},
		{"too long for the buffer", "Basic " + encodeBasic(string(long), "p"), true},
	} {
		t.Run(tc.name, func(t *testing.T) { sameAsBasicAuth(t, tc.value, tc.set) })
	}
}

func encodeBasic(user, pass string) string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")[len("Basic "):]
}

func FuzzBasicCredentials(f *testing.F) {
	f.Add("Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ==")
	f.Add("basic dTpw")
	f.Add("Basic \x00\xff")
	f.Fuzz(func(t *testing.T, value string) { sameAsBasicAuth(t, value, true) })
}
