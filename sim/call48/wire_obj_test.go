package call48

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/provider"
)

// refObj encodes as obj did through encoding/json alone: each key and
// value with json.Marshal, nested objs as refObjs.
type refObj obj

func (m refObj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(p.K)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v := p.V
		if o, isObj := v.(obj); isObj {
			v = refObj(o)
		}
		j, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(j)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func wireObjSamples() []obj {
	st, fp, rc := 47, 4242, "SEATTLE <&> \"Q\""
	return []obj{
		o("code", 200, "error", nil),
		o("code", 200, "message", "Successful Operation", "data", o("result", []numberRow{
			{DIDID: 1000001, DIDNumber: "2065550100", DID: 1000001, Number: "2065550100", NPA: "206", NXX: "555", XXXX: "0100", StateID: &st, RateCenterID: &fp, RateCenter: &rc, Monthly: "1.00000", Setup: "2.00000"},
		}, "setup", "2.00000", "ttl", 1.5, "loc", nil), "error", nil),
		o("text", "tab\there, quote \" backslash \\ and html <b>&amp;</b>", "unicode", "café \u2028 line", "ctl", "\x01\x7f"),
		o("weird key <&>", true, "nested", o("deeper", o("x", []obj{o("a", 1), o("b", "two")})), "list", []any{1, "a", nil, o("c", 3)}),
		o("float", 0.1, "big", int64(1)<<60, "neg", -7, "empty", o(), "map", map[string]any{"z": 1, "a": "<"}),
		{},
	}
}

func TestObjAnswersAreByteIdenticalToEncodingJSON(t *testing.T) {
	for i, m := range wireObjSamples() {
		want := httptest.NewRecorder()
		provider.WriteJSON(want, 200, refObj(m))
		got := httptest.NewRecorder()
		writeObj(got, m)
		require.Equal(t, want.Body.String(), got.Body.String(), "sample %d", i)
		assert.Equal(t, want.Header(), got.Header(), "sample %d", i)
		assert.Equal(t, want.Code, got.Code)

		b, err := json.Marshal(m)
		require.NoError(t, err)
		ref, err := json.Marshal(refObj(m))
		require.NoError(t, err)
		assert.Equal(t, string(ref), string(b), "MarshalJSON, sample %d", i)
	}
}

func FuzzObjString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\u2028", "\xff", `"\`} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		m := o(k, v, "n", o(v, k))
		want := httptest.NewRecorder()
		provider.WriteJSON(want, 200, refObj(m))
		got := httptest.NewRecorder()
		writeObj(got, m)
		if want.Body.String() != got.Body.String() {
			t.Fatalf("%q vs %q", want.Body.String(), got.Body.String())
		}
	})
}

// fstr reads a JSON string as encoding/json does (escapes, invalid UTF-8
// replaced), and numbers and booleans as their text.
func TestFstrDecodesAsEncodingJSON(t *testing.T) {
	for _, raw := range []string{`"plain"`, `""`, `"tab\tquote\"u\u00e9"`, "\"caf\xc3\xa9\"", "\"bad \xff utf8\"", `"\/"`, `12`, `true`, `null`} {
		var got struct {
			V fstr `json:"v"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{"v":`+raw+`}`), &got), raw)
		want := ""
		switch raw {
		case `12`, `true`:
			want = raw
		case `null`:
		default:
			require.NoError(t, json.Unmarshal([]byte(raw), &want))
		}
		assert.Equal(t, want, string(got.V), raw)
	}
}

func TestMoneyStringMatchesSprintf(t *testing.T) {
	for _, m := range []Money{0, 1, 9, 99999, 100000, 100001, 200000, 123456789, -1, -100000, -123456789, math.MaxInt64, math.MinInt64 + 1, math.MinInt64} {
		sign, v := "", m
		if v < 0 {
			sign, v = "-", -v
		}
		assert.Equal(t, fmt.Sprintf("%s%d.%05d", sign, int64(v)/100000, int64(v)%100000), m.String(), "%d", int64(m))
	}
}

func TestMoneyTextsRepeatTheText(t *testing.T) {
	var texts moneyTexts
	for _, m := range []Money{100000, 125000, 100000, 1, 2, 3, 4, 5, 125000, 5} {
		assert.Equal(t, m.String(), texts.text(m))
	}
}
