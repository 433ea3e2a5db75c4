package provider

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WriteJSON writes what an Encoder with SetEscapeHTML(false) and
// SetIndent("", "  ") writes, headers and status included.
func TestWriteJSONIsTheIndentedEncoding(t *testing.T) {
	type row struct {
		A string         `json:"a"`
		B []int          `json:"b"`
		C map[string]any `json:"c,omitempty"`
	}
	for _, v := range []any{
		map[string]string{"error": "bad <input> & \"quotes\""},
		[]row{{A: "x", B: []int{}}, {A: "é\u2028", B: []int{1, 2}, C: map[string]any{"z": nil, "a": []any{}}}},
		struct{}{}, []any{}, nil, "plain", 12.5,
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(v))
		got := httptest.NewRecorder()
		WriteJSON(got, 201, v)
		assert.Equal(t, want.String(), got.Body.String())
		assert.Equal(t, 201, got.Code)
		assert.Equal(t, "application/json", got.Header().Get("Content-Type"))
	}
	got := httptest.NewRecorder()
	WriteJSON(got, 500, func() {}) // cannot be encoded: the status, no body
	assert.Equal(t, 500, got.Code)
	assert.Empty(t, got.Body.String())
}
