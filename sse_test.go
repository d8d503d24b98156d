package llm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

type ev struct {
	Type, Data, ID string
	Retry          int64
}

func readAll(t testing.TB, r *Reader) ([]ev, error) {
	var out []ev
	for {
		e, err := r.Next()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		out = append(out, ev{string(e.Type), string(e.Data), string(e.ID), e.Retry})
		if len(out) > 10000 {
			t.Fatal("runaway reader")
		}
	}
}

func TestReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []ev
	}{
		{"single", "data: hello\n\n", []ev{{Data: "hello", Retry: -1}}},
		{"no space", "data:hello\n\n", []ev{{Data: "hello", Retry: -1}}},
		{"two spaces keep one", "data:  x\n\n", []ev{{Data: " x", Retry: -1}}},
		{"multi-line", "data: a\ndata: b\ndata\n\n", []ev{{Data: "a\nb\n", Retry: -1}}},
		{"crlf", "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", []ev{{Data: "a\nb", Retry: -1}, {Data: "c", Retry: -1}}},
		{"cr only", "data: a\r\rdata: b\r\r", []ev{{Data: "a", Retry: -1}, {Data: "b", Retry: -1}}},
		{"comments", ": ping\n\n: x\ndata: y\n\n", []ev{{Data: "y", Retry: -1}}},
		{"event and id", "event: delta\nid: 7\ndata: {}\n\ndata: z\n\n", []ev{{"delta", "{}", "7", -1}, {"", "z", "7", -1}}},
		{"id with NUL ignored", "id: a\x00b\ndata: x\n\n", []ev{{Data: "x", Retry: -1}}},
		{"retry", "retry: 1500\ndata: x\n\nretry: 1a\ndata: y\n\n", []ev{{Data: "x", Retry: 1500}, {Data: "y", Retry: -1}}},
		{"no data no dispatch", "event: x\n\ndata: y\n\n", []ev{{Data: "y", Retry: -1}}},
		{"empty data dispatches", "data\n\n", []ev{{Data: "", Retry: -1}}},
		{"unknown field ignored", "foo: bar\ndata: y\n\n", []ev{{Data: "y", Retry: -1}}},
		{"eof without blank line", "data: a\n\ndata: last", []ev{{Data: "a", Retry: -1}, {Data: "last", Retry: -1}}},
		{"bom", "\xEF\xBB\xBFdata: a\n\n", []ev{{Data: "a", Retry: -1}}},
		{"openai", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []ev{{Data: `{"a":1}`, Retry: -1}, {Data: "[DONE]", Retry: -1}}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, mode := range []string{"whole", "onebyte"} {
				var src io.Reader = strings.NewReader(tc.in)
				if mode == "onebyte" {
					src = iotest.OneByteReader(src)
				}
				got, err := readAll(t, NewReader(src, 0))
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("%s: events (-want +got):\n%s", mode, diff)
				}
			}
		})
	}
}

func TestReaderLineTooLong(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader("data: "+strings.Repeat("x", 100)+"\n\n"), 64)
	_, err := r.Next()
	if !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("err = %v, want ErrLineTooLong", err)
	}
}

// TestReaderLongLine: a line many times the read buffer, arriving in
// small reads, is assembled whole.
func TestReaderLongLine(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("y", 100<<10)
	r := NewReader(iotest.OneByteReader(strings.NewReader("data: "+big+"\n\ndata: z\n\n")), 0)
	for _, want := range []string{big, "z"} {
		ev, err := r.Next()
		if err != nil || string(ev.Data) != want {
			t.Fatalf("event of %d bytes, %v; want %d bytes", len(ev.Data), err, len(want))
		}
	}
}

func TestReaderReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader("data: a\n\ndata: b"), iotest.ErrReader(boom))
	r := NewReader(src, 0)
	if e, err := r.Next(); err != nil || string(e.Data) != "a" {
		t.Fatalf("first = %q, %v", e.Data, err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range []string{"data: a\n\n", "data: a\r\ndata: b\r\n\r\n", ": c\nevent: x\nid: 1\nretry: 5\ndata\n\n", "data: a\r\r", "data: x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		whole, err1 := readAll(t, NewReader(bytes.NewReader(in), 1<<16))
		bytewise, err2 := readAll(t, NewReader(iotest.OneByteReader(bytes.NewReader(in)), 1<<16))
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v vs %v", err1, err2)
		}
		if diff := cmp.Diff(whole, bytewise); diff != "" {
			t.Fatalf("chunking changes events:\n%s", diff)
		}
		for _, e := range whole {
			if strings.ContainsAny(e.ID, "\x00\r\n") || strings.ContainsAny(e.Type, "\r\n") {
				t.Fatalf("bad field in %+v", e)
			}
		}
	})
}

// repeatReader yields the same bytes forever, to measure steady state.
type repeatReader struct {
	b   []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.off:])
		n += c
		r.off = (r.off + c) % len(r.b)
	}
	return n, nil
}

func BenchmarkReader(b *testing.B) {
	chunk := []byte(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"token "},"finish_reason":null}]}` + "\n\n")
	r := NewReader(&repeatReader{b: chunk}, 0)
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleReader() {
	r := NewReader(strings.NewReader("data: {\"n\":1}\n\n: keep-alive\n\ndata: [DONE]\n\n"), 0)
	for {
		e, err := r.Next()
		if err != nil {
			break
		}
		fmt.Println(string(e.Data))
	}
	// Output:
	// {"n":1}
	// [DONE]
}
