package xsse

import (
	"bufio"
	"bytes"
	"io"
)

// The event-stream dialect of xk6-sse (reference §13), which differs from
// the WHATWG rules that the root package's llm.Reader follows — which is why
// that reader is not used here:
//
//   - lines end with '\n' only; a '\r' before it stays part of the line;
//   - "id:", "event:" and ":" (comment) take the rest of the line with one
//     optional leading space removed and the last byte (the '\n') dropped,
//     so a CRLF line keeps its '\r';
//   - "data:" appends the rest of the line, newline included; at dispatch
//     the trailing '\r' and '\n' bytes of the joined data are trimmed;
//   - "retry:" is ignored;
//   - a blank line ("\n" or "\r\n") dispatches the block, whatever it holds
//     (a comment-only or even an empty block is an event with data ""), and
//     resets every field: the id is not sticky;
//   - any other line is an error ("unknown event: " + the line, newline
//     included) and reading continues;
//   - a line or block cut by the end of the stream is dropped.

// event is one dispatched block.
type event struct {
	id, name, comment, data string
}

// lineKind is what a line did to the block being read.
type lineKind uint8

const (
	lineField    lineKind = iota // a field, a comment or retry: keep reading
	lineDispatch                 // a blank line: the block is an event
	lineUnknown                  // not an event-stream line
)

// block accumulates the fields of the event being read.
type block struct {
	ev   event
	data []byte
}

// field prefixes, each tried with and then without the space.
var (
	pID      = []byte("id:")
	pEvent   = []byte("event:")
	pData    = []byte("data:")
	pComment = []byte(":")
	pRetry   = []byte("retry:")
)

// line applies one line (ending with '\n') to the block.
func (b *block) line(l []byte) lineKind {
	switch {
	case bytes.HasPrefix(l, pID):
		b.ev.id = stripValue(l, len(pID))
	case bytes.HasPrefix(l, pComment):
		b.ev.comment = stripValue(l, len(pComment))
	case bytes.HasPrefix(l, pEvent):
		b.ev.name = stripValue(l, len(pEvent))
	case bytes.HasPrefix(l, pData):
		n := len(pData)
		if l[n] == ' ' {
			n++
		}
		b.data = append(b.data, l[n:]...)
	case bytes.HasPrefix(l, pRetry):
	case len(l) == 1 || (len(l) == 2 && l[0] == '\r'):
		return lineDispatch
	default:
		return lineUnknown
	}
	return lineField
}

// stripValue is the value after a prefix of length n: one space after the
// colon is skipped and the last byte of the line (its '\n') is dropped.
func stripValue(l []byte, n int) string {
	if l[n] == ' ' { // l ends with '\n', so l[n] exists and is not the last byte when it is ' '
		n++
	}
	return string(l[n : len(l)-1])
}

// take returns the block's event and resets the block.
func (b *block) take() event {
	d := b.data
	for len(d) > 0 && (d[len(d)-1] == '\n' || d[len(d)-1] == '\r') {
		d = d[:len(d)-1]
	}
	ev := b.ev
	ev.data = string(d)
	b.ev = event{}
	b.data = b.data[:0]
	return ev
}

// lineReader reads '\n'-terminated lines of any length.
type lineReader struct {
	br   *bufio.Reader
	long []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 8<<10)}
}

// next returns the next line with its '\n', valid until the next call. A
// line cut by the end of the stream or an error is not returned: err is
// io.EOF or the read error.
func (r *lineReader) next() ([]byte, error) {
	l, err := r.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return l, err
	}
	r.long = append(r.long[:0], l...)
	for {
		l, err = r.br.ReadSlice('\n')
		r.long = append(r.long, l...)
		if err != bufio.ErrBufferFull {
			return r.long, err
		}
	}
}
