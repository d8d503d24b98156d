package archive_test

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/archive"
)

func TestRoundTrip(t *testing.T) {
	in := &archive.Archive{
		Filename: "/home/nobody/t/script.js", Pwd: "/home/nobody/t", Options: json.RawMessage(`{"vus":2}`),
		Env: map[string]string{"A": "1"}, Version: "v1",
		Files:  map[string][]byte{"/home/nobody/t/script.js": []byte("export default function(){}"), "/home/nobody/t/lib/x.js": []byte("export const x = 1")},
		Remote: map[string][]byte{"https://jslib.k6.io/k6-utils/1.4.0/index.js": []byte("export const u = 1")},
	}
	var buf bytes.Buffer
	if err := archive.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	// k6's layout: metadata.json, data, directory entries, the script a hard link to data.
	var entries []string
	tr := tar.NewReader(bytes.NewReader(buf.Bytes()))
	var meta map[string]any
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		e := h.Name
		if h.Typeflag == tar.TypeLink {
			e += " -> " + h.Linkname
		}
		entries = append(entries, e)
		if h.Name == "metadata.json" {
			b, _ := io.ReadAll(tr)
			if err := json.Unmarshal(b, &meta); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := []string{"metadata.json", "data", "file/home/", "file/home/nobody/", "file/home/nobody/t/", "file/home/nobody/t/lib/",
		"file/home/nobody/t/lib/x.js", "file/home/nobody/t/script.js -> data",
		"https/", "https/jslib.k6.io/", "https/jslib.k6.io/k6-utils/", "https/jslib.k6.io/k6-utils/1.4.0/", "https/jslib.k6.io/k6-utils/1.4.0/index.js"}
	if diff := cmp.Diff(want, entries); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if meta["type"] != "js" || meta["filename"] != "file:///home/nobody/t/script.js" || meta["pwd"] != "file:///home/nobody/t/" ||
		meta["compatibilityMode"] != "extended" {
		t.Errorf("metadata = %v", meta)
	}
	head := buf.Bytes()[:512]
	if !archive.IsArchive(head) || archive.IsArchive([]byte(strings.Repeat("x", 600))) {
		t.Error("IsArchive does not tell a tar from a script")
	}
	out, err := archive.Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	in.CompatibilityMode, in.Pwd = "extended", in.Pwd+"/"
	var o1, o2 any
	_ = json.Unmarshal(in.Options, &o1)
	_ = json.Unmarshal(out.Options, &o2)
	if diff := cmp.Diff(o1, o2); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	in.Options, out.Options = nil, nil
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := out.ReadFile("/home/nobody/t/missing.js"); err == nil {
		t.Error("reading a file outside the archive succeeded")
	}
}

func TestReadErrors(t *testing.T) {
	build := func(files map[string]string) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for name, body := range files {
			_ = tw.WriteHeader(&tar.Header{Name: name, Size: int64(len(body)), Mode: 0o644, Typeflag: tar.TypeReg})
			_, _ = tw.Write([]byte(body))
		}
		_ = tw.Close()
		return buf.Bytes()
	}
	tests := map[string]struct {
		files map[string]string
		want  string
	}{
		"no metadata":    {map[string]string{"data": "x"}, "metadata.json is missing"},
		"unknown prefix": {map[string]string{"metadata.json": `{"type":"js","filename":"file:///a.js"}`, "weird/x": ""}, "unknown file prefix"},
		"remote script":  {map[string]string{"metadata.json": `{"type":"js","filename":"https://x/a.js"}`}, "not a file:// URL"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := archive.Read(bytes.NewReader(build(tt.files))); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestReadRemoteEntries: https/<host>/<path> entries, and the old files/
// and scripts/ prefixes that are not local (_/) files, are remote modules.
func TestReadRemoteEntries(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range map[string]string{
		"metadata.json":            `{"type":"js","filename":"file:///t/a.js"}`,
		"data":                     "export default function () {}",
		"https/h.example/lib/u.js": "u",
		"files/old.example/x.js":   "x",
		"scripts/old.example/y.js": "y",
		"files/_/t/local.js":       "local",
	} {
		_ = tw.WriteHeader(&tar.Header{Name: name, Size: int64(len(body)), Mode: 0o644, Typeflag: tar.TypeReg})
		_, _ = tw.Write([]byte(body))
	}
	_ = tw.Close()
	a, err := archive.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"https://h.example/lib/u.js": []byte("u"), "https://old.example/x.js": []byte("x"), "https://old.example/y.js": []byte("y")}
	if diff := cmp.Diff(want, a.Remote); diff != "" {
		t.Errorf("Remote (-want +got):\n%s", diff)
	}
	if string(a.Files["/t/local.js"]) != "local" {
		t.Errorf("Files = %v", a.Files)
	}
}

func TestAnonymize(t *testing.T) {
	for in, want := range map[string]string{"/home/alice/t/a.js": "/home/nobody/t/a.js", "/Users/bob/a.js": "/Users/nobody/a.js", "/srv/a.js": "/srv/a.js"} {
		if got := archive.Anonymize(in); got != want {
			t.Errorf("Anonymize(%q) = %q, want %q", in, got, want)
		}
	}
}
