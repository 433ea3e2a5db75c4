package somos

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// The /cnam/list page is appended by hand: encoding/json's reflection over
// every record was the largest cost of the provider's busiest answer. The
// bytes are those encoding/json writes for ListPage with HTML escaping off
// (TestAppendListPageMatchesEncodingJSON and FuzzAppendCNAMEntry compare
// them); the answer is then indented like every other (writeJSON).

// appendListPage appends the compact JSON of a page holding items, with
// last's key as its LastEvaluatedKey (nil on the last page).
func appendListPage(dst []byte, items []*Record, last *Record) []byte {
	dst = append(dst, `{"Items":[`...)
	for i, r := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCNAMEntry(dst, &r.CNAMEntry)
	}
	dst = append(dst, `],"Count":`...)
	dst = strconv.AppendInt(dst, int64(len(items)), 10)
	dst = append(dst, `,"ScannedCount":`...)
	dst = strconv.AppendInt(dst, int64(len(items)), 10)
	if last != nil {
		dst = append(dst, `,"LastEvaluatedKey":{"cnam":`...)
		dst = appendString(dst, last.CNAM)
		dst = append(dst, `,"tfn":`...)
		dst = appendString(dst, last.TFN)
		dst = append(dst, `,"entityID":`...)
		dst = appendString(dst, last.EntityID)
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// appendCNAMEntry appends e as entryOf(e) encodes: absent lists as [].
func appendCNAMEntry(dst []byte, e *CNAMEntry) []byte {
	dst = append(dst, `{"tfn":`...)
	dst = appendString(dst, e.TFN)
	dst = append(dst, `,"cnam":`...)
	dst = appendString(dst, e.CNAM)
	dst = appendOptional(dst, `,"extCnam":`, e.ExtCnam)
	dst = append(dst, `,"authorizedCallers":{"list":`...)
	dst = appendStrings(dst, e.AuthorizedCallers.List)
	dst = append(dst, `,"range":[`...)
	for i, r := range e.AuthorizedCallers.Range {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"begin":`...)
		dst = appendString(dst, r.Begin)
		dst = append(dst, `,"end":`...)
		dst = appendString(dst, r.End)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"wildcard":`...)
	dst = appendStrings(dst, e.AuthorizedCallers.Wildcard)
	dst = append(dst, '}')
	dst = appendOptional(dst, `,"streetAddress":`, e.StreetAddress)
	dst = appendOptional(dst, `,"streetAddress2":`, e.StreetAddress2)
	dst = appendOptional(dst, `,"city":`, e.City)
	dst = appendOptional(dst, `,"state":`, e.State)
	dst = appendOptional(dst, `,"zip":`, e.Zip)
	dst = appendOptional(dst, `,"country":`, e.Country)
	dst = appendOptional(dst, `,"url":`, e.URL)
	dst = appendOptional(dst, `,"logo":`, e.Logo)
	dst = append(dst, `,"keywords":`...)
	dst = appendStrings(dst, e.Keywords)
	dst = append(dst, `,"status":`...)
	dst = appendString(dst, e.Status)
	dst = append(dst, `,"version":`...)
	dst = strconv.AppendInt(dst, int64(e.Version), 10)
	dst = append(dst, `,"createdDate":`...)
	dst = strconv.AppendInt(dst, e.CreatedDate, 10)
	dst = append(dst, `,"createdBy":`...)
	dst = appendString(dst, e.CreatedBy)
	dst = append(dst, `,"lastModifiedDate":`...)
	dst = strconv.AppendInt(dst, e.LastModifiedDate, 10)
	dst = append(dst, `,"lastModifiedBy":`...)
	dst = appendString(dst, e.LastModifiedBy)
	dst = append(dst, `,"entityID":`...)
	dst = appendString(dst, e.EntityID)
	dst = append(dst, `,"respOrgID":`...)
	dst = appendString(dst, e.RespOrgID)
	dst = append(dst, `,"tfnrStatus":`...)
	dst = appendString(dst, e.TfnrStatus)
	dst = append(dst, `,"partnerUpdateStatus":`...)
	dst = appendString(dst, e.PartnerUpdateStatus)
	if e.PartnerUpdateDate != 0 {
		dst = append(dst, `,"partnerUpdateDate":`...)
		dst = strconv.AppendInt(dst, e.PartnerUpdateDate, 10)
	}
	return append(dst, '}')
}

// appendOptional is an omitempty string field: key (with its leading comma
// and colon) and value, or nothing when v is empty.
func appendOptional(dst []byte, key, v string) []byte {
	if v == "" {
		return dst
	}
	return appendString(append(dst, key...), v)
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does with
// HTML escaping off: quotes, backslashes and control characters escaped
// (\b \f \n \r \t by name, the rest as \u00XX), invalid UTF-8 as \ufffd,
// and U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// pageBufs hold list pages being encoded; a buffer grown past maxPooledPage
// (a page of records with hundreds of authorized callers) is left to the
// garbage collector rather than kept.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const maxPooledPage = 64 << 10
