package output_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/internal/output"
)

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
