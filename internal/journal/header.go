package journal

import (
	"encoding/binary"
	"encoding/json"
	"iter"
	"net/http"
	"slices"
	"strings"
)

// Header is a journal entry's request headers as recorded: each name once,
// its values joined with ", ", credentials masked unless the journal keeps
// secrets. It is held in one string (names and values with their lengths,
// sorted by name), so an entry's headers are one object for the garbage
// collector rather than a map and its strings; in JSON it is an object.
type Header struct{ packed string }

// MakeHeader records m.
func MakeHeader(m map[string]string) Header {
	if len(m) == 0 {
		return Header{}
	}
	names := make([]string, 0, len(m))
	n := 0
	for k, v := range m {
		names = append(names, k)
		n += len(k) + len(v) + 2*binary.MaxVarintLen32
	}
	slices.Sort(names)
	b := make([]byte, 0, n)
	for _, k := range names {
		b = appendField(b, k)
		b = appendField(b, m[k])
	}
	return Header{packed: string(b)}
}

func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// All yields each name and value, by name.
func (h Header) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		s := h.packed
		for len(s) > 0 {
			var k, v string
			var ok bool
			if k, s, ok = nextField(s); !ok {
				return
			}
			if v, s, ok = nextField(s); !ok {
				return
			}
			if !yield(k, v) {
				return
			}
		}
	}
}

// nextField reads one length-prefixed field of s and returns the rest.
func nextField(s string) (field, rest string, ok bool) {
	var l uint64
	var i int
	for shift := 0; ; shift += 7 {
		if i == len(s) || shift > 63 {
			return "", "", false
		}
		c := s[i]
		i++
		l |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	if uint64(len(s)-i) < l {
		return "", "", false
	}
	return s[i : i+int(l)], s[i+int(l):], true
}

// Get is the value recorded for name exactly as written ("" when absent).
func (h Header) Get(name string) string {
	for k, v := range h.All() {
		if k == name {
			return v
		}
	}
	return ""
}

// Lookup finds name whatever its case, as HTTP header names compare.
func (h Header) Lookup(name string) (string, bool) {
	for k, v := range h.All() {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// Map returns the headers as a map.
func (h Header) Map() map[string]string {
	m := map[string]string{}
	for k, v := range h.All() {
		m[k] = v
	}
	return m
}

// IsZero reports whether no header was recorded.
func (h Header) IsZero() bool { return h.packed == "" }

// size is what the headers count towards the journal's byte bound, as the
// map they were before counted.
func (h Header) size() int {
	n := 0
	for k, v := range h.All() {
		n += len(k) + len(v) + 16
	}
	return n
}

// MarshalJSON writes the headers as a JSON object, names sorted.
func (h Header) MarshalJSON() ([]byte, error) { return json.Marshal(h.Map()) }

// UnmarshalJSON reads a JSON object of names and values.
func (h *Header) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*h = MakeHeader(m)
	return nil
}

// packHeaders writes a request's headers h, whose headerBytes is n, into one
// slice as AddRequest keeps them until the entry is first read: the same
// fields as a Header, values joined with ", " as Headers joins them, in map
// order.
func packHeaders(h http.Header, n int) []byte {
	b := make([]byte, 0, n+4*len(h)) // lengths under 16 KiB take two bytes
	for k, vs := range h {
		b = appendField(b, k)
		joined := 0
		for i, v := range vs {
			if i > 0 {
				joined += len(", ")
			}
			joined += len(v)
		}
		b = binary.AppendUvarint(b, uint64(joined))
		for i, v := range vs {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, v...)
		}
	}
	return b
}

// unpackHeaders reads what packHeaders wrote, each name with one value; the
// names and values share one string.
func unpackHeaders(b []byte) http.Header {
	h := http.Header{}
	for k, v := range (Header{packed: string(b)}).All() {
		h[k] = []string{v}
	}
	return h
}
