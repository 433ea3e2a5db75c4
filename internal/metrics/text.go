package metrics

import (
	"math"
	"strconv"
	"strings"
)

// ContentType is what an answer in the text exposition format is labelled.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Metric types, as the TYPE line names them.
const (
	CounterType   = "counter"
	GaugeType     = "gauge"
	HistogramType = "histogram"
	SummaryType   = "summary"
)

// Text builds an exposition in the text format: each family is started with
// Family and its samples follow before the next family starts. Labels are
// given as name, value pairs.
type Text struct {
	b []byte
	// family is the HELP and TYPE lines of the family started last, written
	// with its first sample: a family without samples is left out, as
	// Prometheus's client leaves it out.
	family []byte
}

// Family starts a family: its HELP and TYPE lines.
func (t *Text) Family(name, typ, help string) {
	f := append(t.family[:0], "# HELP "...)
	f = append(f, name...)
	f = append(f, ' ')
	f = appendEscaped(f, help, false)
	f = append(f, "\n# TYPE "...)
	f = append(f, name...)
	f = append(f, ' ')
	f = append(f, typ...)
	t.family = append(f, '\n')
}

// Sample writes one sample.
func (t *Text) Sample(name string, v float64, labels ...string) {
	t.series(name, labels, "", "")
	t.b = appendFloat(t.b, v)
	t.b = append(t.b, '\n')
}

// Count writes one sample whose value is a count, exactly.
func (t *Text) Count(name string, v uint64, labels ...string) {
	t.series(name, labels, "", "")
	t.b = strconv.AppendUint(t.b, v, 10)
	t.b = append(t.b, '\n')
}

// Histogram writes the samples of one histogram series: its buckets, sum and
// count.
func (t *Text) Histogram(name string, s HistogramSnapshot, labels ...string) {
	bucket := name + "_bucket"
	for i, n := range s.Cumulative {
		le := "+Inf"
		if i < len(s.Upper) {
			le = string(appendFloat(nil, s.Upper[i]))
		}
		t.series(bucket, labels, "le", le)
		t.b = strconv.AppendUint(t.b, n, 10)
		t.b = append(t.b, '\n')
	}
	t.Sample(name+"_sum", s.Sum, labels...)
	t.Count(name+"_count", s.Count, labels...)
}

// Bytes returns the exposition written so far.
func (t *Text) Bytes() []byte { return t.b }

// series writes a sample's name and labels (and one more label, when extra
// is not empty) up to its value.
func (t *Text) series(name string, labels []string, extra, extraValue string) {
	if len(labels)%2 != 0 {
		panic("metrics: labels must be name, value pairs")
	}
	if len(t.family) > 0 {
		t.b = append(t.b, t.family...)
		t.family = t.family[:0]
	}
	t.b = append(t.b, name...)
	if len(labels) > 0 || extra != "" {
		t.b = append(t.b, '{')
		for i := 0; i < len(labels); i += 2 {
			t.label(i > 0, labels[i], labels[i+1])
		}
		if extra != "" {
			t.label(len(labels) > 0, extra, extraValue)
		}
		t.b = append(t.b, '}')
	}
	t.b = append(t.b, ' ')
}

func (t *Text) label(comma bool, name, value string) {
	if comma {
		t.b = append(t.b, ',')
	}
	t.b = append(t.b, name...)
	t.b = append(t.b, `="`...)
	t.b = appendEscaped(t.b, value, true)
	t.b = append(t.b, '"')
}

// appendEscaped escapes backslashes and line feeds, and double quotes in
// label values, as the format asks.
func appendEscaped(b []byte, s string, quote bool) []byte {
	if !strings.ContainsAny(s, "\\\n\"") {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendFloat writes v as Prometheus does: shortest representation, and
// +Inf, -Inf and NaN by name.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
