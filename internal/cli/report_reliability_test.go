package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/mock"
)

// TestReportOfACutRun: what a run killed while writing leaves (a gzip cut
// short, a plain file ending mid-line) is reported as far as it is
// readable, with a warning; -o refuses to overwrite an input; Markdown
// keeps hostile names inert.
func TestReportOfACutRun(t *testing.T) {
	t.Parallel()
	srv, err := mock.New(mock.Config{OutputTokens: 4, Model: "<img src=x onerror=alert(1)>|evil\nline"})
	if err != nil {
		t.Fatal(err)
	}
	running, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { running.Close(context.Background()) })
	dir := t.TempDir()
	wd, _ := os.Getwd()
	script := filepath.Join(wd, "testdata", "scripts", "report_load.js")
	for _, out := range []string{"run.json.gz", "run.json"} {
		if code, _, stderr := mainIn(t, dir, "run", "-q", "--out", "json="+out, "-e", "LLM_BASE_URL="+running.URL(),
			"-e", "RATE=50", "-e", "DURATION=1s", script); code != 0 {
			t.Fatalf("run: exit %d\n%s", code, stderr)
		}
	}
	cut := func(name string, frac float64) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		n := int(float64(len(b)) * frac)
		if !strings.HasSuffix(name, ".gz") { // end mid-line
			for b[n-1] == '\n' {
				n--
			}
		}
		p := "cut-" + name
		if err := os.WriteFile(filepath.Join(dir, p), b[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, in := range []string{cut("run.json.gz", 0.6), cut("run.json", 0.6)} {
		code, _, stderr := mainIn(t, dir, "report", "-o", in+".md", in)
		if code != 0 {
			t.Fatalf("report of %s: exit %d\n%s", in, code, stderr)
		}
		if !strings.Contains(stderr, "WARNING") || !strings.Contains(stderr, "killed while writing") {
			t.Errorf("report of %s: no warning about the cut:\n%s", in, stderr)
		}
		md, err := os.ReadFile(filepath.Join(dir, in+".md"))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(md, []byte("<img")) || bytes.Contains(md, []byte("evil\nline")) {
			t.Errorf("Markdown holds raw HTML or a raw newline from a name:\n%s", md)
		}
		if !bytes.Contains(md, []byte("&lt;img")) {
			t.Errorf("the model name is missing from the report:\n%s", md)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "run.json"))
	code, _, stderr := mainIn(t, dir, "report", "-o", "run.json", "run.json")
	if code != 104 || !strings.Contains(stderr, "input") {
		t.Errorf("report -o over its input: exit %d, %s", code, stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "run.json")); !bytes.Equal(before, after) {
		t.Error("the input run was overwritten")
	}
}
