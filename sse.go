package llm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxLine is the longest event-stream line a Reader accepts when
// NewReader is given maxLine <= 0: 4 MiB, room for very long chunks.
const DefaultMaxLine = 4 << 20

// ErrLineTooLong is returned (wrapped) by Reader.Next when a line exceeds the
// reader's maximum length.
var ErrLineTooLong = errors.New("sse: line too long")

// Event is one dispatched Server-Sent Event. Its byte slices are owned by the
// Reader and valid only until the next call to Next.
type Event struct {
	// Type is the event field ("" means the default type "message").
	Type []byte
	// Data is the data fields joined with '\n'.
	Data []byte
	// ID is the last event ID seen so far in the stream (it persists across
	// events, as the WHATWG rules say).
	ID []byte
	// Retry is the last valid retry field of this event in milliseconds,
	// or -1 when the event had none.
	Retry int64
}

// Reader reads events from a text/event-stream following the WHATWG
// event-stream interpretation rules: lines end with LF, CRLF or CR; lines
// starting with ':' are comments; "data", "event", "id" and "retry" fields
// are recognised (a single space after the colon is stripped; unknown fields
// are ignored); multi-line data is joined with '\n'; a blank line dispatches
// the event; a block with no data field dispatches nothing. A leading UTF-8
// BOM is skipped.
//
// One deliberate difference from the specification: when the stream ends
// (EOF) after data fields but without the closing blank line, the pending
// event is still dispatched instead of being discarded, because a server
// that closes right after its last chunk should not lose it. A line cut by
// EOF is likewise processed as a complete line.
//
// After warm-up Next allocates nothing: field values are copied into buffers
// the Reader reuses. A Reader is not safe for concurrent use.
type Reader struct {
	br      *bufio.Reader
	max     int
	line    []byte
	data    []byte
	typ     []byte
	id      []byte
	skipLF  bool // the previous line ended with CR: a following LF belongs to it
	started bool // the BOM check is done
	eof     bool
}

// NewReader returns a Reader over r whose lines may be at most maxLine bytes
// long (DefaultMaxLine when maxLine <= 0).
func NewReader(r io.Reader, maxLine int) *Reader {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	size := 4 << 10 // most events fit; longer lines are assembled in r.line
	if maxLine < size {
		size = max(maxLine, 16)
	}
	return &Reader{br: bufio.NewReaderSize(r, size), max: maxLine}
}

// Reset makes the Reader read a new stream from r, keeping its buffers.
func (r *Reader) Reset(src io.Reader) {
	r.br.Reset(src)
	r.line, r.data, r.typ, r.id = r.line[:0], r.data[:0], r.typ[:0], r.id[:0]
	r.skipLF, r.started, r.eof = false, false, false
}

// Next returns the next event. At the end of the stream it returns io.EOF;
// a read error from the underlying reader is returned as is; a line longer
// than the maximum yields an error wrapping ErrLineTooLong.
func (r *Reader) Next() (Event, error) {
	r.data = r.data[:0]
	r.typ = r.typ[:0]
	hasData := false
	retry := int64(-1)
	for {
		line, err := r.readLine()
		if err != nil {
			if err == io.EOF && hasData {
				return r.event(retry), nil
			}
			return Event{}, err
		}
		if len(line) == 0 {
			if hasData {
				return r.event(retry), nil
			}
			r.typ = r.typ[:0]
			retry = -1
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value := line, line[:0]
		for i, c := range line {
			if c == ':' {
				field, value = line[:i], line[i+1:]
				if len(value) > 0 && value[0] == ' ' {
					value = value[1:]
				}
				break
			}
		}
		switch string(field) { // no allocation: the compiler compares in place
		case "data":
			if hasData {
				r.data = append(r.data, '\n')
			}
			r.data = append(r.data, value...)
			hasData = true
		case "event":
			r.typ = append(r.typ[:0], value...)
		case "id":
			if !containsNUL(value) {
				r.id = append(r.id[:0], value...)
			}
		case "retry":
			if n, ok := parseDigits(value); ok {
				retry = n
			}
		}
	}
}

func (r *Reader) event(retry int64) Event {
	return Event{Type: r.typ, Data: r.data, ID: r.id, Retry: retry}
}

// readLine returns the next line without its terminator; the slice is valid
// until the next call. A line cut by EOF is returned whole; io.EOF comes
// after it.
func (r *Reader) readLine() ([]byte, error) {
	if r.eof {
		return nil, io.EOF
	}
	r.line = r.line[:0]
	partial := false
	for {
		n := r.br.Buffered()
		if n == 0 {
			if _, err := r.br.Peek(1); err != nil {
				if err == io.EOF {
					r.eof = true
					if partial {
						return r.line, nil
					}
				}
				return nil, err
			}
			n = r.br.Buffered()
		}
		buf, _ := r.br.Peek(n)
		if !r.started {
			r.started = true
			if buf[0] == 0xEF { // a possible BOM: wait for its three bytes
				if b, _ := r.br.Peek(3); len(b) == 3 && b[1] == 0xBB && b[2] == 0xBF {
					_, _ = r.br.Discard(3)
				}
				continue
			}
		}
		if r.skipLF {
			r.skipLF = false
			if buf[0] == '\n' {
				_, _ = r.br.Discard(1)
				continue
			}
		}
		i := indexEOL(buf)
		if i < 0 {
			if len(r.line)+n > r.max {
				return nil, fmt.Errorf("%w (over %d bytes)", ErrLineTooLong, r.max)
			}
			r.line = append(r.line, buf...)
			_, _ = r.br.Discard(n)
			partial = true
			continue
		}
		if len(r.line)+i > r.max {
			return nil, fmt.Errorf("%w (over %d bytes)", ErrLineTooLong, r.max)
		}
		r.line = append(r.line, buf[:i]...)
		r.skipLF = buf[i] == '\r'
		_, _ = r.br.Discard(i + 1)
		return r.line, nil
	}
}

func indexEOL(b []byte) int {
	for i, c := range b {
		if c == '\n' || c == '\r' {
			return i
		}
	}
	return -1
}

func containsNUL(b []byte) bool {
	for _, c := range b {
		if c == 0 {
			return true
		}
	}
	return false
}

// parseDigits parses a non-empty run of ASCII digits (the retry field rule).
func parseDigits(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
