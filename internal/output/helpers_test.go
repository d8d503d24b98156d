package output_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

func TestFlusher(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		f := output.NewFlusher(time.Second, func() { calls.Add(1) })
		time.Sleep(3*time.Second + time.Millisecond)
		synctest.Wait()
		if n := calls.Load(); n != 3 {
			t.Errorf("%d calls after 3 intervals", n)
		}
		f.Stop()
		f.Stop() // a second Stop does nothing
		if n := calls.Load(); n != 4 {
			t.Errorf("%d calls after Stop, want 4 (one final)", n)
		}
	})
}

func TestBatchBuffer(t *testing.T) {
	t.Parallel()
	var b output.BatchBuffer
	b.Add([]metrics.Batch{{Time: time.Unix(1, 0)}, {Time: time.Unix(2, 0)}})
	b.Add([]metrics.Batch{{Time: time.Unix(3, 0)}})
	got := b.Swap(nil)
	if len(got) != 3 || !got[2].Time.Equal(time.Unix(3, 0)) {
		t.Errorf("Swap = %v", got)
	}
	if again := b.Swap(got); len(again) != 0 {
		t.Errorf("second Swap = %v", again)
	}
}

func TestOpenFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ name, file string }{
		{"stdout dash", "-"},
		{"stdout empty", ""},
		{"plain", "a.txt"},
		{"gzip", "a.txt.gz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout bytes.Buffer
			f, err := output.OpenFile(output.Params{Stdout: &stdout, Dir: dir}, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("line\n"); err != nil {
				t.Fatal(err)
			}
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			var got []byte
			switch tc.file {
			case "", "-":
				got = stdout.Bytes()
			default:
				raw, err := os.Open(filepath.Join(dir, tc.file))
				if err != nil {
					t.Fatal(err)
				}
				defer raw.Close()
				var r io.Reader = raw
				if filepath.Ext(tc.file) == ".gz" {
					if r, err = gzip.NewReader(raw); err != nil {
						t.Fatal(err)
					}
				}
				got, _ = io.ReadAll(r)
			}
			if string(got) != "line\n" {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestParseKeyValues(t *testing.T) {
	t.Parallel()
	got, err := output.ParseKeyValues("a=1, b = x=y ,c=")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][2]string{{"a", "1"}, {"b", "x=y"}, {"c", ""}}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := output.ParseKeyValues("a=1,b"); err == nil {
		t.Error("no error for a part without =")
	}
}

func TestJSONSetting(t *testing.T) {
	for raw, want := range map[string]string{
		`"5s"`: "5s", `4`: "4", `true`: "true", `["vu","iter"]`: "vu,iter", `["p(99)",95]`: "p(99),95",
	} {
		got, err := output.JSONSetting(json.RawMessage(raw))
		if err != nil || got != want {
			t.Errorf("JSONSetting(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
	if _, err := output.JSONSetting(json.RawMessage(`{`)); err == nil {
		t.Error("invalid JSON: want an error")
	}
}
