package timeline

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"8005550100", "8005550100"},
		{"18005550100", "8005550100"},
		{"+1 (800) 555-0100", "8005550100"},
		{"1-800-555-0100", "8005550100"},
		{"800.555.0100", "8005550100"},
		{"+442071838750", "442071838750"},
		{"28005550100", "28005550100"}, // eleven digits not starting with 1 stay whole
		{"555010", ""},                 // too short
		{"1234567890123456", ""},       // too long
		{"ACME WIDGETS", ""},
		{"800-FLOWERS", ""},
		{"", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Normalize(c.in), c.in)
	}
}

func TestLogOrdersAndBounds(t *testing.T) {
	l := New()
	first := l.Mark()
	s := l.Add(Item{Kind: KindClock, Summary: "advanced 1h"})
	assert.Greater(t, s, first, "an item added after a mark comes after it")

	// Count bound: the oldest go first.
	for i := 0; i < MaxItems+10; i++ {
		l.Add(Item{Kind: KindLifecycle, Summary: "step"})
	}
	items := l.Items()
	require.Len(t, items, MaxItems)
	assert.Equal(t, "step", items[0].Summary)
	for i := 1; i < len(items); i++ {
		assert.Less(t, items[i-1].Seq, items[i].Seq)
	}

	// Byte bound: big items push the total under MaxBytes.
	big := strings.Repeat("x", MaxDetailValue*4)
	for i := 0; i < 2000; i++ {
		l.Add(Item{Kind: KindCallback, Summary: big, Detail: map[string]string{"a": big, "b": big, "c": big}})
	}
	assert.LessOrEqual(t, l.bytes, MaxBytes)
	last := l.Items()[l.Len()-1]
	assert.LessOrEqual(t, len(last.Summary), MaxSummary+len("…"))
	assert.LessOrEqual(t, len(last.Detail["a"]), MaxDetailValue+len("…"))
}

func TestCutKeepsWholeCharacters(t *testing.T) {
	s := strings.Repeat("é", MaxSummary) // two bytes each
	got := cut(s, MaxSummary+1)
	assert.True(t, utf8.ValidString(got))
	assert.True(t, strings.HasSuffix(got, "…"))
}

func TestItemsComeInTheOrderTheyHappened(t *testing.T) {
	l := New()
	queued := l.Mark() // a message is queued...
	// ...and its first attempt, on a worker, is added before the queueing item.
	l.Add(Item{Kind: KindCallback, Summary: "attempt 1"})
	l.Add(Item{Seq: queued, Kind: KindLifecycle, Summary: "queued"})
	var got []string
	for _, it := range l.Items() {
		got = append(got, it.Summary)
	}
	assert.Equal(t, []string{"queued", "attempt 1"}, got)
}
