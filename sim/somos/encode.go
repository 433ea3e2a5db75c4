package somos

import (
	"strconv"
	"sync"

	"github.com/telecomsim/simulator/internal/provider"
)

// The /cnam/list page is appended by hand: encoding/json's reflection over
// copies of every record, then indenting the result, were the largest cost
// of the provider's busiest answer. The bytes are those writeJSON writes
// for ListPage (encoding/json, HTML escaping off, two-space indentation,
// a final newline); TestAppendListPageMatchesEncodingJSON and
// FuzzAppendCNAMEntry compare them.

// appendListPage appends the answer for a page holding items, with last's
// key as its LastEvaluatedKey (nil on the last page).
func appendListPage(dst []byte, items []*Record, last *Record) []byte {
	dst = append(dst, "{\n  \"Items\": ["...)
	for i, r := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(newline(dst, 2), '{')
		dst = appendCNAMEntry(dst, &r.CNAMEntry, 2)
	}
	if len(items) > 0 {
		dst = newline(dst, 1)
	}
	dst = append(dst, "],\n  \"Count\": "...)
	dst = strconv.AppendInt(dst, int64(len(items)), 10)
	dst = append(dst, ",\n  \"ScannedCount\": "...)
	dst = strconv.AppendInt(dst, int64(len(items)), 10)
	if last != nil {
		dst = append(dst, ",\n  \"LastEvaluatedKey\": {\n    \"cnam\": "...)
		dst = provider.AppendJSONString(dst, last.CNAM)
		dst = append(dst, ",\n    \"tfn\": "...)
		dst = provider.AppendJSONString(dst, last.TFN)
		dst = append(dst, ",\n    \"entityID\": "...)
		dst = provider.AppendJSONString(dst, last.EntityID)
		dst = append(dst, "\n  }"...)
	}
	return append(dst, "\n}\n"...)
}

// appendCNAMEntry appends the members and closing brace of e, an object
// opened at depth, as entryOf(e) is encoded: absent lists as [].
func appendCNAMEntry(dst []byte, e *CNAMEntry, depth int) []byte {
	in := depth + 1
	dst = provider.AppendJSONString(field(dst, in, "", "tfn"), e.TFN)
	dst = provider.AppendJSONString(field(dst, in, ",", "cnam"), e.CNAM)
	dst = appendOptional(dst, in, "extCnam", e.ExtCnam)
	dst = append(field(dst, in, ",", "authorizedCallers"), '{')
	dst = appendStrings(field(dst, in+1, "", "list"), e.AuthorizedCallers.List, in+1)
	dst = append(field(dst, in+1, ",", "range"), '[')
	for i, r := range e.AuthorizedCallers.Range {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(newline(dst, in+2), '{')
		dst = provider.AppendJSONString(field(dst, in+3, "", "begin"), r.Begin)
		dst = provider.AppendJSONString(field(dst, in+3, ",", "end"), r.End)
		dst = append(newline(dst, in+2), '}')
	}
	if len(e.AuthorizedCallers.Range) > 0 {
		dst = newline(dst, in+1)
	}
	dst = append(dst, ']')
	dst = appendStrings(field(dst, in+1, ",", "wildcard"), e.AuthorizedCallers.Wildcard, in+1)
	dst = append(newline(dst, in), '}')
	dst = appendOptional(dst, in, "streetAddress", e.StreetAddress)
	dst = appendOptional(dst, in, "streetAddress2", e.StreetAddress2)
	dst = appendOptional(dst, in, "city", e.City)
	dst = appendOptional(dst, in, "state", e.State)
	dst = appendOptional(dst, in, "zip", e.Zip)
	dst = appendOptional(dst, in, "country", e.Country)
	dst = appendOptional(dst, in, "url", e.URL)
	dst = appendOptional(dst, in, "logo", e.Logo)
	dst = appendStrings(field(dst, in, ",", "keywords"), e.Keywords, in)
	dst = provider.AppendJSONString(field(dst, in, ",", "status"), e.Status)
	dst = strconv.AppendInt(field(dst, in, ",", "version"), int64(e.Version), 10)
	dst = strconv.AppendInt(field(dst, in, ",", "createdDate"), e.CreatedDate, 10)
	dst = provider.AppendJSONString(field(dst, in, ",", "createdBy"), e.CreatedBy)
	dst = strconv.AppendInt(field(dst, in, ",", "lastModifiedDate"), e.LastModifiedDate, 10)
	dst = provider.AppendJSONString(field(dst, in, ",", "lastModifiedBy"), e.LastModifiedBy)
	dst = provider.AppendJSONString(field(dst, in, ",", "entityID"), e.EntityID)
	dst = provider.AppendJSONString(field(dst, in, ",", "respOrgID"), e.RespOrgID)
	dst = provider.AppendJSONString(field(dst, in, ",", "tfnrStatus"), e.TfnrStatus)
	dst = provider.AppendJSONString(field(dst, in, ",", "partnerUpdateStatus"), e.PartnerUpdateStatus)
	if e.PartnerUpdateDate != 0 {
		dst = strconv.AppendInt(field(dst, in, ",", "partnerUpdateDate"), e.PartnerUpdateDate, 10)
	}
	return append(newline(dst, depth), '}')
}

const indentSpaces = "                                "

// newline starts a line indented for depth (two spaces a level).
func newline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for n := 2 * depth; n > 0; {
		k := min(n, len(indentSpaces))
		dst = append(dst, indentSpaces[:k]...)
		n -= k
	}
	return dst
}

// field starts an object member at depth: sep (a comma, or nothing for the
// first member), the line break, the key (plain ASCII) and its colon.
func field(dst []byte, depth int, sep, key string) []byte {
	dst = newline(append(dst, sep...), depth)
	dst = append(dst, '"')
	dst = append(dst, key...)
	return append(dst, '"', ':', ' ')
}

// appendOptional is an omitempty string member at depth (never the
// first): nothing when v is empty.
func appendOptional(dst []byte, depth int, key, v string) []byte {
	if v == "" {
		return dst
	}
	return provider.AppendJSONString(field(dst, depth, ",", key), v)
}

// appendStrings appends a list of strings whose key is at depth.
func appendStrings(dst []byte, ss []string, depth int) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = provider.AppendJSONString(newline(dst, depth+1), s)
	}
	if len(ss) > 0 {
		dst = newline(dst, depth)
	}
	return append(dst, ']')
}

// pageBufs hold list pages being encoded; a buffer grown past maxPooledPage
// (a page of records with hundreds of authorized callers) is left to the
// garbage collector rather than kept.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const maxPooledPage = 64 << 10

// putPageBuf hands buf back to pageBufs holding b (what was appended to it)
// unless b grew past maxPooledPage.
func putPageBuf(buf *[]byte, b []byte) {
	if cap(b) <= maxPooledPage {
		*buf = b[:0]
		pageBufs.Put(buf)
	}
}
