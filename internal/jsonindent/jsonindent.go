// Package jsonindent indents JSON the way encoding/json does with no prefix
// and two spaces, for bodies that are already valid: it copies strings in
// runs instead of stepping a validating scanner through every byte, which
// made indentation the largest cost of the providers' bigger answers.
package jsonindent

import "bytes"

// Append appends src indented to dst. src must be valid JSON; whitespace
// outside strings is dropped, as json.Indent drops it between tokens, but
// what follows the last token is kept, as json.Indent keeps it.
func Append(dst, src []byte) []byte {
	end := len(bytes.TrimRight(src, " \t\r\n"))
	src, trailing := src[:end], src[end:]
	depth := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			end := closingQuote(src, i+1)
			dst = append(dst, src[i:end+1]...)
			i = end
		case '{', '[':
			dst = append(dst, c)
			if next := nextToken(src, i+1); next < len(src) && (src[next] == '}' || src[next] == ']') {
				dst = append(dst, src[next]) // {} and [] stay on one line
				i = next
				continue
			}
			depth++
			dst = newline(dst, depth)
		case '}', ']':
			depth--
			dst = newline(dst, depth)
			dst = append(dst, c)
		case ',':
			dst = append(dst, ',')
			dst = newline(dst, depth)
		case ':':
			dst = append(dst, ':', ' ')
		case ' ', '\t', '\r', '\n':
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, trailing...)
}

// closingQuote is the index of the quote that ends the string whose
// contents start at i (len(src)-1 when it is not closed).
func closingQuote(src []byte, i int) int {
	for {
		j := bytes.IndexByte(src[i:], '"')
		if j < 0 {
			return len(src) - 1
		}
		q := i + j
		backslashes := 0
		for k := q - 1; k >= i && src[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// nextToken skips whitespace from i.
func nextToken(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\n') {
		i++
	}
	return i
}

const spaces = "                                                                "

func newline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for n := 2 * depth; n > 0; {
		k := min(n, len(spaces))
		dst = append(dst, spaces[:k]...)
		n -= k
	}
	return dst
}
