package provider

import (
	"strings"
	"unicode/utf8"
)

// Attachment returns a Content-Disposition value offering name as a download
// (RFC 6266): a quoted ASCII fallback in which every character that could
// break the header or a file path is '_', then the exact name as an RFC 8187
// filename* (UTF-8, percent-encoded), which clients prefer when they know it.
// A user-chosen name (an uploaded file's) never reaches the header raw.
func Attachment(name string) string {
	var ascii, ext strings.Builder
	for _, c := range name {
		switch {
		case c == utf8.RuneError, c < 0x20, c >= 0x7f, c == '"', c == '\\', c == '/', c == '%', c == ';':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(c)
		}
	}
	const hex = "0123456789ABCDEF"
	for _, b := range []byte(name) {
		if attrChar(b) {
			ext.WriteByte(b)
			continue
		}
		ext.WriteByte('%')
		ext.WriteByte(hex[b>>4])
		ext.WriteByte(hex[b&15])
	}
	fallback := ascii.String()
	if fallback == "" {
		fallback = "download"
	}
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + ext.String()
}

// attrChar reports whether b may appear unencoded in an RFC 8187 value.
func attrChar(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
