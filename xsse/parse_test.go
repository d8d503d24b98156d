package xsse

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// parseAll runs the module's reader and block over a whole stream and
// describes what sse.open would dispatch: events and error events.
func parseAll(stream string, r io.Reader) []string {
	if r == nil {
		r = strings.NewReader(stream)
	}
	lr := newLineReader(r)
	var b block
	var out []string
	for {
		l, err := lr.next()
		if err != nil {
			return out
		}
		switch b.line(l) {
		case lineDispatch:
			ev := b.take()
			out = append(out, fmt.Sprintf("event id=%q name=%q comment=%q data=%q", ev.id, ev.name, ev.comment, ev.data))
		case lineUnknown:
			out = append(out, "error "+"unknown event: "+string(l))
		}
	}
}

// The expected values follow reference §13 (k6-http.md) line by line.
func TestParse(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 20000)
	ev := func(id, name, comment, data string) string {
		return fmt.Sprintf("event id=%q name=%q comment=%q data=%q", id, name, comment, data)
	}
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"one data line", "data: a\n\n", []string{ev("", "", "", "a")}},
		{"data lines are joined with their newlines", "data: a\ndata: b\n\n", []string{ev("", "", "", "a\nb")}},
		{"all fields with the space", "id: 7\nevent: greet\n: note\ndata: x\n\n", []string{ev("7", "greet", "note", "x")}},
		{"all fields without the space", "id:7\nevent:greet\n:note\ndata:x\n\n", []string{ev("7", "greet", "note", "x")}},
		{"only one space is removed", "data:  x\nid:  1\n\n", []string{ev(" 1", "", "", " x")}},
		{"empty values", "id:\nevent: \n:\ndata:\n\n", []string{ev("", "", "", "")}},
		{"CRLF keeps the CR in id, name and comment; data is trimmed", "id: 1\r\nevent: e\r\n: c\r\ndata: x\r\n\r\n",
			[]string{ev("1\r", "e\r", "c\r", "x")}},
		{"CRLF multi-line data keeps the inner CR", "data: a\r\ndata: b\r\n\r\n", []string{ev("", "", "", "a\r\nb")}},
		{"a comment-only block dispatches with empty data", ": ping\n\n", []string{ev("", "", "ping", "")}},
		{"a blank line alone dispatches an empty event", "\n", []string{ev("", "", "", "")}},
		{"the id is not sticky", "id: 1\ndata: a\n\ndata: b\n\n", []string{ev("1", "", "", "a"), ev("", "", "", "b")}},
		{"the last id, name and comment of a block win", "id: 1\nid: 2\nevent: a\nevent: b\n: x\n: y\ndata: d\n\n", []string{ev("2", "b", "y", "d")}},
		{"retry is ignored", "retry: 100\ndata: a\nretry:x\n\n", []string{ev("", "", "", "a")}},
		{"a non-SSE line is an error event and reading goes on", "hello\ndata: a\n\n",
			[]string{"error unknown event: hello\n", ev("", "", "", "a")}},
		{"an unknown field is an error", "foo: bar\n\n", []string{"error unknown event: foo: bar\n", ev("", "", "", "")}},
		{"a field name without a colon is an error", "data\n\n", []string{"error unknown event: data\n", ev("", "", "", "")}},
		{"a JSON error body", "{\"error\":\"boom\"}\n", []string{"error unknown event: {\"error\":\"boom\"}\n"}},
		{"a CRLF non-SSE line keeps its CR", "oops\r\n", []string{"error unknown event: oops\r\n"}},
		{"a last block without its blank line is dropped", "data: a\n\ndata: b\n", []string{ev("", "", "", "a")}},
		{"a last line without its newline is dropped", "data: a\n\ndata: b", []string{ev("", "", "", "a")}},
		{"a lone CR line is not blank", "\r\r\n", []string{"error unknown event: \r\r\n"}},
		{"a line longer than the buffer", "data: " + long + "\n\n", []string{ev("", "", "", long)}},
		{"a UTF-8 BOM is not skipped", "\ufeffdata: a\n\n", []string{"error unknown event: \ufeffdata: a\n", ev("", "", "", "")}},
		{"OpenAI chunks", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []string{ev("", "", "", `{"a":1}`), ev("", "", "", "[DONE]")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := parseAll(tc.in, nil); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			// The same stream read one byte at a time gives the same events.
			if got := parseAll(tc.in, iotest.OneByteReader(strings.NewReader(tc.in))); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("byte by byte: got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestLineReaderReportsReadErrors(t *testing.T) {
	t.Parallel()
	boom := fmt.Errorf("boom")
	lr := newLineReader(io.MultiReader(strings.NewReader("data: a\n"), iotest.ErrReader(boom)))
	if l, err := lr.next(); err != nil || string(l) != "data: a\n" {
		t.Fatalf("first line: %q, %v", l, err)
	}
	if _, err := lr.next(); err != boom {
		t.Fatalf("got %v, want the read error", err)
	}
}

// FuzzParse: any stream parses without panicking, and the same events come
// out whatever the read sizes.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"data: a\n\n", "id: 1\r\nevent: e\r\n: c\r\ndata: x\r\n\r\n", ": ping\n\nhello\n", "data:", "\r\n\r\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		whole := parseAll(s, nil)
		bytewise := parseAll(s, iotest.OneByteReader(strings.NewReader(s)))
		if !reflect.DeepEqual(whole, bytewise) {
			t.Fatalf("%q: whole %q, byte by byte %q", s, whole, bytewise)
		}
	})
}
