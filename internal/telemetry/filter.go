package telemetry

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// maxLine bounds one line of a scraped page.
const maxLine = 1 << 20

// familySuffixes are the sample-name suffixes of histogram, summary and
// counter families in the text format.
var familySuffixes = [][]byte{[]byte("_bucket"), []byte("_sum"), []byte("_count"), []byte("_created"), []byte("_total")}

// selectLines copies from page only the lines of the families keep names
// (their samples and their # HELP / # TYPE lines), so that parsing a huge
// page (thousands of series nobody asked for) costs memory for the
// selected series only. Lines with a quoted name ({"name"…}) are kept.
func selectLines(page io.Reader, keep map[string]bool) (*bytes.Buffer, error) {
	sc := bufio.NewScanner(page)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out bytes.Buffer
	for sc.Scan() {
		line := sc.Bytes()
		if wanted(line, keep) {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the page: %w", err)
	}
	return &out, nil
}

// wanted reports whether one line belongs to a kept family.
func wanted(line []byte, keep map[string]bool) bool {
	line = bytes.TrimLeft(line, " \t")
	if len(line) == 0 {
		return false
	}
	if line[0] == '#' {
		f := bytes.Fields(line)
		if len(f) >= 3 && (bytes.Equal(f[1], []byte("TYPE")) || bytes.Equal(f[1], []byte("HELP"))) {
			return keepName(f[2], keep)
		}
		return false
	}
	if line[0] == '{' {
		return true
	}
	end := bytes.IndexAny(line, "{ \t")
	if end < 0 {
		end = len(line)
	}
	return keepName(line[:end], keep)
}

// keepName reports whether name, or name less a family suffix, is kept.
func keepName(name []byte, keep map[string]bool) bool {
	if keep[string(name)] {
		return true
	}
	for _, suf := range familySuffixes {
		if b, ok := bytes.CutSuffix(name, suf); ok && keep[string(b)] {
			return true
		}
	}
	return false
}
