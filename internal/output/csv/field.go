package csv

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/llmbench/llmbench/internal/metrics"
)

// appendExtra writes the tags that have no column as k=v&k2=v2.
func (e *Encoder) appendExtra(dst []byte, tags []metrics.Tag) []byte {
	start := len(dst)
	n := 0
	for _, t := range tags {
		if _, found := slices.BinarySearch(e.columns, t.Key); found {
			continue
		}
		if n > 0 {
			dst = append(dst, '&')
		}
		n++
		dst = append(dst, t.Key...)
		dst = append(dst, '=')
		dst = append(dst, t.Value...)
	}
	return quoteInPlace(dst, start)
}

// appendMeta writes metadata as k=v&… with sorted keys.
func appendMeta(dst []byte, m map[string]string) []byte {
	if len(m) == 0 {
		return dst
	}
	var arr [8]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	start := len(dst)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, k...)
		dst = append(dst, '=')
		dst = append(dst, m[k]...)
	}
	return quoteInPlace(dst, start)
}

// quoteInPlace quotes dst[start:] when encoding/csv would.
func quoteInPlace(dst []byte, start int) []byte {
	if !needsQuotes(dst[start:]) {
		return dst
	}
	return appendField(dst[:start], string(dst[start:]))
}

// appendField writes s with encoding/csv's quoting rules.
func appendField(dst []byte, s string) []byte {
	if !needsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"', '"')
		} else {
			dst = append(dst, s[i])
		}
	}
	return append(dst, '"')
}

// needsQuotes is encoding/csv's fieldNeedsQuotes for a comma delimiter.
func needsQuotes[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	if len(s) == 2 && s[0] == '\\' && s[1] == '.' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	if s[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(s[0]))
	}
	var first [utf8.UTFMax]byte
	n := copy(first[:], s)
	r, _ := utf8.DecodeRune(first[:n])
	return unicode.IsSpace(r)
}
