package flowroute

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/telecomsim/simulator/internal/provider"
)

// The CNAM list page is the request clients make most, so it is written
// straight into the response buffer instead of going through wire structs
// and encoding/json. The bytes are exactly those encoding/json gives for
// listDoc{Data: []cnamResource, Links: pageLinks(...)} with HTML escaping
// off (encode_test.go compares the two).

// appendCNAMPage appends the JSON:API page of CNAM records, with its trailing
// newline as json.Encoder writes it.
func appendCNAMPage(dst []byte, base string, items []*CNAM, q url.Values, limit, offset int, more bool) []byte {
	// Every link starts with base: escape it once.
	var baseBuf [128]byte
	esc := provider.AppendJSONChars(baseBuf[:0], base)
	dst = append(dst, `{"data":[`...)
	for i := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCNAM(dst, esc, items[i])
	}
	dst = append(dst, `],"links":{"self":`...)
	dst = appendPageLink(dst, esc, "/v2/cnams", q, limit, offset)
	if more {
		dst = append(dst, `,"next":`...)
		dst = appendPageLink(dst, esc, "/v2/cnams", q, limit, offset+limit)
	}
	return append(dst, "}}\n"...)
}

// appendCNAM appends one record as cnamWire renders it (no relationships);
// escBase is the base URL already escaped for a JSON string.
func appendCNAM(dst, escBase []byte, c *CNAM) []byte {
	dst = append(dst, `{"attributes":{"approval_datetime":`...)
	dst = appendPyTime(dst, c.Approved)
	dst = append(dst, `,"creation_datetime":`...)
	dst = appendPyTime(dst, &c.Created)
	dst = append(dst, `,"is_approved":`...)
	dst = strconv.AppendBool(dst, c.Approved != nil)
	dst = append(dst, `,"rejection_reason":`...)
	if c.Rejection == nil {
		dst = append(dst, "null"...)
	} else {
		dst = provider.AppendJSONString(dst, *c.Rejection)
	}
	dst = append(dst, `,"value":`...)
	dst = provider.AppendJSONString(dst, c.Value)
	dst = append(dst, `},"id":"`...)
	dst = strconv.AppendInt(dst, c.ID, 10)
	dst = append(dst, `","links":{"self":"`...)
	dst = append(dst, escBase...)
	dst = append(dst, "/v2/cnams/"...)
	dst = strconv.AppendInt(dst, c.ID, 10)
	return append(dst, `"},"type":"cnam"}`...)
}

// appendPyTime appends fmtTime(t) as JSON: null for none, else the quoted
// Python-style time (which never needs escaping).
func appendPyTime(dst []byte, t *time.Time) []byte {
	if t == nil || t.IsZero() {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = appendPyTimeUTC(dst, t.UTC())
	return append(dst, '"')
}

// appendPyTimeUTC appends t (in UTC) in the pyTime layout,
// "2006-01-02 15:04:05.000000+00:00". The layout is fixed, so the date is
// computed from the Unix time (days to civil date, as in Howard Hinnant's
// chrono algorithms) and written two digits at a time, without
// AppendFormat's layout parsing; years outside 0-9999 go to AppendFormat.
func appendPyTimeUTC(dst []byte, t time.Time) []byte {
	secs := t.Unix()
	days := secs / 86400
	if secs%86400 < 0 {
		days--
	}
	rem := int(secs - days*86400)
	year, month, day := civil(days)
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, pyTime)
	}
	us := t.Nanosecond() / 1000
	dst = append2(dst, year/100)
	dst = append2(dst, year%100)
	dst = append(dst, '-')
	dst = append2(dst, month)
	dst = append(dst, '-')
	dst = append2(dst, day)
	dst = append(dst, ' ')
	dst = append2(dst, rem/3600)
	dst = append(dst, ':')
	dst = append2(dst, rem/60%60)
	dst = append(dst, ':')
	dst = append2(dst, rem%60)
	dst = append(dst, '.')
	dst = append2(dst, us/10000)
	dst = append2(dst, us/100%100)
	dst = append2(dst, us%100)
	return append(dst, "+00:00"...)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date.
func civil(days int64) (year, month, day int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], March first
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
}

const twoDigits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// append2 appends v (0-99) as two digits.
func append2(dst []byte, v int) []byte {
	return append(dst, twoDigits[2*v], twoDigits[2*v+1])
}

// appendPageLink appends, as a JSON string, the link pageLinks builds for
// offset off: base+path, then the query with limit and offset set, keys
// sorted, the first value of each, query-escaped (so only base, given here
// already escaped, can hold a character JSON escapes).
func appendPageLink(dst, escBase []byte, path string, q url.Values, limit, off int) []byte {
	dst = append(dst, '"')
	dst = append(dst, escBase...)
	dst = provider.AppendJSONChars(dst, path)
	dst = append(dst, '?')
	var keyBuf [8]string
	keys := keyBuf[:0]
	for k := range q {
		if k != "limit" && k != "offset" {
			keys = append(keys, k)
		}
	}
	keys = append(keys, "limit", "offset")
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = appendQueryEscape(dst, k)
		dst = append(dst, '=')
		switch k {
		case "limit":
			dst = strconv.AppendInt(dst, int64(limit), 10)
		case "offset":
			dst = strconv.AppendInt(dst, int64(off), 10)
		default:
			dst = appendQueryEscape(dst, q.Get(k))
		}
	}
	return append(dst, '"')
}

// appendQueryEscape appends url.QueryEscape(s).
func appendQueryEscape(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}
