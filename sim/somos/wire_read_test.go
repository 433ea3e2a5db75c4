package somos

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
)

// TestReadAtMostMatchesReadAll compares decode's reader with what it
// replaced, io.ReadAll(io.LimitReader(rd, max)), on bodies around the
// buffer's size and the limit, read whole, a byte at a time and with an
// error part way (then only the error counts: decode drops the bytes).
func TestReadAtMostMatchesReadAll(t *testing.T) {
	long := strings.Repeat("0123456789", 300)
	boom := errors.New("connection reset")
	for _, tc := range []struct {
		name string
		body string
		max  int
		wrap func(io.Reader) io.Reader
	}{
		{"empty", "", 100, nil},
		{"short", `{"Limit":25}`, 100, nil},
		{"exactly the limit", long[:100], 100, nil},
		{"over the limit", long, 100, nil},
		{"one byte over the limit", long[:101], 100, nil},
		{"past the first buffer", long, 1 << 20, nil},
		{"a byte at a time", long[:1500], 1 << 20, iotest.OneByteReader},
		{"a byte at a time over the limit", long, 1234, iotest.OneByteReader},
		{"data with EOF", long[:700], 1 << 20, iotest.DataErrReader},
		{"half then an error", long[:600], 1 << 20, func(r io.Reader) io.Reader {
			return io.MultiReader(iotest.HalfReader(r), iotest.ErrReader(boom))
		}},
		{"timeout", long[:10], 1 << 20, iotest.TimeoutReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reader := func() io.Reader {
				var r io.Reader = strings.NewReader(tc.body)
				if tc.wrap != nil {
					r = tc.wrap(r)
				}
				return r
			}
			want, wantErr := io.ReadAll(io.LimitReader(reader(), int64(tc.max)))
			for _, start := range [][]byte{nil, make([]byte, 0, 16), []byte("pre")[:0]} {
				got, err := readAtMost(start, reader(), tc.max)
				assert.Equal(t, wantErr, err)
				if wantErr == nil { // on an error decode drops what was read
					assert.True(t, bytes.Equal(want, got), "got %d bytes, want %d", len(got), len(want))
				}
			}
		})
	}
}
