package app

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/telecomsim/simulator/internal/journal"
)

func TestRecorderKeepsTheBodyForTheJournal(t *testing.T) {
	type write struct {
		s      string
		asText bool // WriteString rather than Write
	}
	tests := []struct {
		name      string
		limit     int
		writes    []write
		wantKept  string
		wantTrunc bool
	}{
		{"one Write", 10, []write{{"hello", false}}, "hello", false},
		{"one WriteString", 10, []write{{"hello", true}}, "hello", false},
		{"WriteString then Write", 10, []write{{"hel", true}, {"lo", false}}, "hello", false},
		{"Write then WriteString", 10, []write{{"hel", false}, {"lo", true}}, "hello", false},
		{"two WriteStrings", 10, []write{{"hel", true}, {"lo", true}}, "hello", false},
		{"Write cut at the limit", 4, []write{{"hello", false}}, "hell", true},
		{"WriteString cut at the limit", 4, []write{{"hello", true}}, "hell", true},
		{"WriteString fills, Write overflows", 5, []write{{"hello", true}, {"!", false}}, "hello", true},
		{"an empty write after a cut keeps the cut", 2, []write{{"hello", false}, {"", true}}, "he", true},
		{"nothing kept", 0, []write{{"hello", true}}, "", true},
		{"no body", 10, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := newRecorder(w, journal.New(10, tt.limit))
			all := ""
			for _, wr := range tt.writes {
				if wr.asText {
					_, _ = r.WriteString(wr.s)
				} else {
					_, _ = r.Write([]byte(wr.s))
				}
				all += wr.s
			}
			assert.Equal(t, tt.wantKept, r.bodyString())
			assert.Equal(t, tt.wantTrunc, r.trunc)
			assert.Equal(t, all, w.Body.String(), "the client gets every byte")
			if len(tt.writes) > 0 {
				assert.Equal(t, 200, r.status)
			}
		})
	}
}

// TestRecorderSharesRepeatedBodies: the same large body answered twice is
// held once by the journal.
func TestRecorderSharesRepeatedBodies(t *testing.T) {
	j := journal.New(10, 64<<10)
	page := bytes.Repeat([]byte("0123456789abcdef"), 1024)
	kept := func(body []byte) string {
		r := newRecorder(httptest.NewRecorder(), j)
		_, _ = r.Write(body)
		return r.bodyString()
	}
	first, second := kept(page), kept(bytes.Clone(page))
	assert.Equal(t, string(page), second)
	assert.Same(t, unsafe.StringData(first), unsafe.StringData(second), "one copy for both entries")
	other := bytes.Clone(page)
	other[100] = 'x'
	assert.NotSame(t, unsafe.StringData(first), unsafe.StringData(kept(other)))
}
