// Package archive reads and writes k6's test archives (.tar): the script,
// every local file it loaded, and its consolidated options, in k6's layout
// (reference k6-http.md §12), so that `llmbench archive` output runs on k6
// and k6 archives run on llmbench (the k6-operator's initializer and PLZ
// runners use them).
//
// Layout: metadata.json (pretty JSON: type "js", options, filename and pwd
// as file:// URLs, env, compatibilityMode, k6version, goos); data (the main
// script); file/<absolute path> for every local file, with directory
// entries, the main script's entry a hard link to data; https/<host>/<path>
// for every remote module. Home directories are anonymised (/home/<user> →
// /home/nobody).
package archive

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Archive is a test archive in memory.
type Archive struct {
	// Filename is the main script's absolute path (anonymised).
	Filename string
	// Pwd is the directory the archive was made in.
	Pwd string
	// Options is the consolidated options JSON.
	Options json.RawMessage
	// Env is the __ENV given with -e.
	Env map[string]string
	// CompatibilityMode is "extended" unless set.
	CompatibilityMode string
	// Version is the k6version field.
	Version string
	// Files maps absolute paths (anonymised) to contents; the main script
	// is among them.
	Files map[string][]byte
	// Remote maps the https:// modules the script imported, by URL
	// without its query ("https://host/path"), to their contents: the
	// https/<host>/<path> entries, so an archive runs without network.
	Remote map[string][]byte
}

type metadata struct {
	Type              string            `json:"type"`
	Options           json.RawMessage   `json:"options"`
	Filename          string            `json:"filename"`
	Pwd               string            `json:"pwd"`
	Env               map[string]string `json:"env"`
	CompatibilityMode string            `json:"compatibilityMode"`
	K6Version         string            `json:"k6version"`
	Goos              string            `json:"goos"`
}

var homeRE = regexp.MustCompile(`^(/(?:home|Users|Documents and Settings))/[^/]+`)

// Anonymize replaces the user name in a home directory path with nobody,
// as k6 does for archived paths.
func Anonymize(p string) string { return homeRE.ReplaceAllString(p, "$1/nobody") }

func fileURL(p string) string { return (&url.URL{Scheme: "file", Path: p}).String() }

// Write writes a as a k6 archive.
func Write(w io.Writer, a *Archive) error {
	script, ok := a.Files[a.Filename]
	if !ok {
		return fmt.Errorf("archive: the main script %s is not among the files", a.Filename)
	}
	mode := a.CompatibilityMode
	if mode == "" {
		mode = "extended"
	}
	opts := a.Options
	if len(opts) == 0 {
		opts = json.RawMessage("{}")
	}
	env := a.Env
	if env == nil {
		env = map[string]string{}
	}
	pwd := a.Pwd
	if !strings.HasSuffix(pwd, "/") {
		pwd += "/"
	}
	meta, err := json.MarshalIndent(metadata{Type: "js", Options: opts, Filename: fileURL(a.Filename), Pwd: fileURL(pwd),
		Env: env, CompatibilityMode: mode, K6Version: a.Version, Goos: runtime.GOOS}, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: metadata: %w", err)
	}
	tw := tar.NewWriter(w)
	now := time.Now().Truncate(time.Second)
	add := func(h *tar.Header, body []byte) error {
		h.ModTime, h.Format = now, tar.FormatPAX
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	if err := add(&tar.Header{Name: "metadata.json", Mode: 0o644, Size: int64(len(meta)), Typeflag: tar.TypeReg}, meta); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := add(&tar.Header{Name: "data", Mode: 0o644, Size: int64(len(script)), Typeflag: tar.TypeReg}, script); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	paths := make([]string, 0, len(a.Files))
	for p := range a.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	dirs := map[string]bool{}
	for _, p := range paths {
		var parents []string
		for d := path.Dir(p); d != "/" && d != "." && !dirs[d]; d = path.Dir(d) {
			parents = append(parents, d)
			dirs[d] = true
		}
		for i := len(parents) - 1; i >= 0; i-- {
			if err := add(&tar.Header{Name: "file" + parents[i] + "/", Mode: 0o755, Typeflag: tar.TypeDir}, nil); err != nil {
				return fmt.Errorf("archive: %w", err)
			}
		}
		h := &tar.Header{Name: "file" + p, Mode: 0o644, Size: int64(len(a.Files[p])), Typeflag: tar.TypeReg}
		body := a.Files[p]
		if p == a.Filename {
			h = &tar.Header{Name: "file" + p, Mode: 0o644, Typeflag: tar.TypeLink, Linkname: "data"}
			body = nil
		}
		if err := add(h, body); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	if err := writeRemote(a.Remote, add); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// writeRemote adds https/<host>/<path> entries (with their directories)
// for the remote modules, in URL order.
func writeRemote(remote map[string][]byte, add func(*tar.Header, []byte) error) error {
	names := make(map[string][]byte, len(remote))
	for raw, body := range remote {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("remote module %q is not an https URL", raw)
		}
		names["https/"+u.Host+path.Clean("/"+u.Path)] = body
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dirs := map[string]bool{}
	for _, k := range keys {
		var parents []string
		for d := path.Dir(k); d != "." && !dirs[d]; d = path.Dir(d) {
			parents = append(parents, d)
			dirs[d] = true
		}
		for i := len(parents) - 1; i >= 0; i-- {
			if err := add(&tar.Header{Name: parents[i] + "/", Mode: 0o755, Typeflag: tar.TypeDir}, nil); err != nil {
				return err
			}
		}
		if err := add(&tar.Header{Name: k, Mode: 0o644, Size: int64(len(names[k])), Typeflag: tar.TypeReg}, names[k]); err != nil {
			return err
		}
	}
	return nil
}

// IsArchive reports whether head (a file's first bytes, 512 or more) is a
// tar archive.
func IsArchive(head []byte) bool {
	return len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar"))
}

// Read reads a k6 archive. It accepts k6's older files/ and scripts/
// prefixes (remote modules unless the name starts with "_/").
func Read(r io.Reader) (*Archive, error) {
	tr := tar.NewReader(r)
	a := &Archive{Files: map[string][]byte{}, Remote: map[string][]byte{}}
	var meta *metadata
	var data []byte
	links := map[string]string{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the archive: %w", err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if h.Typeflag == tar.TypeLink || h.Typeflag == tar.TypeSymlink {
			links[name] = h.Linkname
			continue
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		body, err := io.ReadAll(io.LimitReader(tr, 1<<30))
		if err != nil {
			return nil, fmt.Errorf("reading %s from the archive: %w", name, err)
		}
		switch {
		case name == "metadata.json":
			meta = &metadata{}
			if err := json.Unmarshal(body, meta); err != nil {
				return nil, fmt.Errorf("archive metadata.json: %w", err)
			}
		case name == "data":
			data = body
		default:
			if p, ok := filePath(name); ok {
				a.Files[p] = body
			} else if u, ok := remoteURL(name); ok {
				a.Remote[u] = body
			} else {
				return nil, fmt.Errorf("archive: unknown file prefix %q", name)
			}
		}
	}
	if meta == nil {
		return nil, errors.New("archive: metadata.json is missing")
	}
	if meta.Type != "" && meta.Type != "js" {
		return nil, fmt.Errorf("archive: type %q is not supported (only js)", meta.Type)
	}
	for name, target := range links {
		if p, ok := filePath(name); ok && target == "data" {
			a.Files[p] = data
		} else if ok {
			if tp, ok := filePath(target); ok {
				a.Files[p] = a.Files[tp]
			}
		}
	}
	u, err := url.Parse(meta.Filename)
	if err != nil || u.Scheme != "file" {
		return nil, fmt.Errorf("archive: filename %q is not a file:// URL (remote scripts are not supported)", meta.Filename)
	}
	a.Filename = u.Path
	if _, ok := a.Files[a.Filename]; !ok {
		a.Files[a.Filename] = data
	}
	if pu, err := url.Parse(meta.Pwd); err == nil {
		a.Pwd = pu.Path
	}
	a.Options, a.Env, a.CompatibilityMode, a.Version = meta.Options, meta.Env, meta.CompatibilityMode, meta.K6Version
	return a, nil
}

// filePath maps a file/<path> entry (or an old files/_/<path> or
// scripts/_/<path> one) to its path; other old entries are remote modules.
func filePath(name string) (string, bool) {
	if rest, ok := strings.CutPrefix(name, "file/"); ok {
		return "/" + strings.TrimPrefix(rest, "/"), true
	}
	for _, pre := range []string{"files/", "scripts/"} {
		if rest, ok := strings.CutPrefix(name, pre); ok && strings.HasPrefix(rest, "_/") {
			return rest[1:], true
		}
	}
	return "", false
}

// remoteURL maps an https/<host>/<path> entry (or an old files/ or
// scripts/ one that is not a local file) to the module's URL.
func remoteURL(name string) (string, bool) {
	for _, pre := range []string{"https/", "files/", "scripts/"} {
		if rest, ok := strings.CutPrefix(name, pre); ok && rest != "" {
			return "https://" + rest, true
		}
	}
	return "", false
}

// ReadFile returns an archived file's contents (fs.ErrNotExist when absent).
func (a *Archive) ReadFile(p string) ([]byte, error) {
	if b, ok := a.Files[path.Clean(p)]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("open %s: %w (it is not in the archive)", p, fs.ErrNotExist)
}
