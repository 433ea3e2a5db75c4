package provider

import (
	"mime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAttachment(t *testing.T) {
	tests := []struct {
		name, in, fallback string
	}{
		{"plain", "export-42.csv", "export-42.csv"},
		{"quote", `a"; filename="evil.exe`, `a__ filename=_evil.exe`},
		{"header injection", "x\r\nSet-Cookie: a=b.csv", "x__Set-Cookie: a=b.csv"},
		{"path", `..\..//etc/passwd`, `.._..__etc_passwd`},
		{"unicode", "números ☎.csv", "n_meros _.csv"},
		{"empty", "", "download"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Attachment(tt.in)
			assert.NotContains(t, v, "\r")
			assert.NotContains(t, v, "\n")
			disp, params, err := mime.ParseMediaType(v)
			require.NoError(t, err, v)
			assert.Equal(t, "attachment", disp)
			// mime folds filename* into filename, decoded: the exact name survives.
			if tt.in != "" {
				assert.Equal(t, tt.in, params["filename"], v)
			}
			assert.Contains(t, v, `filename="`+tt.fallback+`"`)
		})
	}
}
