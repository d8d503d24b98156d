// Package image builds llmbench's runner image for the k6-operator as an
// OCI image archive (the tar of an OCI image layout, as `skopeo copy
// oci-archive:…` and `ctr images import` read it), offline and without a
// container daemon. One layer holds the static llmbench binary as
// /usr/bin/llmbench with /usr/bin/k6 linking to it (the operator runs `k6`
// from PATH and llmbench answers as k6 under that name), a static busybox
// with the applets the operator's initializer script needs (sh, mkdir,
// dirname, grep, cat, …), a world-writable /tmp, and the host's CA bundle
// when given (for https targets).
package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Applets are the busybox applets linked in /bin: what the operator's
// initializer script and a LocalFile runner's wrapper use, and a few
// tools for debugging a pod.
var Applets = []string{"sh", "ash", "cat", "cp", "dirname", "basename", "echo", "env", "grep", "head", "tail",
	"ls", "mkdir", "mv", "rm", "sleep", "test", "[", "wc", "sed", "tar", "gzip", "gunzip", "find", "wget", "true", "false"}

// Spec is what goes into the image.
type Spec struct {
	Binary  string // the static llmbench binary
	Busybox string // a static busybox binary
	CACerts string // a CA bundle for /etc/ssl/certs/ca-certificates.crt; "" for none
	Ref     string // the image reference name annotation, e.g. llmbench-runner:dev
	Created time.Time
}

// Layer returns the image's single layer as an uncompressed tar.
func Layer(s Spec) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mt := s.Created
	dir := func(name string, mode int64) error {
		return tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: mode, ModTime: mt})
	}
	file := func(name, src string, mode int64) error {
		b, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("image: %w", err)
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(b)), ModTime: mt}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	}
	link := func(name, target string) error {
		return tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777, ModTime: mt})
	}
	steps := []func() error{
		func() error { return dir("bin", 0o755) },
		func() error { return dir("etc", 0o755) },
		func() error { return dir("tmp", 0o1777) },
		func() error { return dir("test", 0o755) },
		func() error { return dir("usr", 0o755) },
		func() error { return dir("usr/bin", 0o755) },
		func() error { return file("usr/bin/llmbench", s.Binary, 0o755) },
		func() error { return link("usr/bin/k6", "llmbench") },
		func() error { return file("bin/busybox", s.Busybox, 0o755) },
	}
	for _, a := range Applets {
		steps = append(steps, func() error { return link("bin/"+a, "busybox") })
	}
	steps = append(steps, func() error {
		passwd := "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
		if err := tw.WriteHeader(&tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(passwd)), ModTime: mt}); err != nil {
			return err
		}
		_, err := io.WriteString(tw, passwd)
		return err
	})
	if s.CACerts != "" {
		steps = append(steps,
			func() error { return dir("etc/ssl", 0o755) },
			func() error { return dir("etc/ssl/certs", 0o755) },
			func() error { return file("etc/ssl/certs/ca-certificates.crt", s.CACerts, 0o644) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("image layer: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Build returns the image: OCI media types, linux/amd64 (or the
// binary's GOARCH given), PATH set, llmbench as the entrypoint (the
// operator replaces it with its own command).
func Build(s Spec, arch string) (v1.Image, error) {
	layerTar, err := Layer(s)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layerTar)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	if img, err = mutate.AppendLayers(img, layer); err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Created = "linux", arch, v1.Time{Time: s.Created}
	cf.Config.Env = []string{"PATH=/usr/bin:/bin"}
	cf.Config.Entrypoint = []string{"/usr/bin/llmbench"}
	cf.Config.Cmd = []string{"version"}
	cf.Config.WorkingDir = "/tmp"
	cf.Config.ExposedPorts = map[string]struct{}{"6565/tcp": {}}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	return img, nil
}

// WriteArchive writes img as an OCI image archive to out, its reference
// name annotated with ref.
func WriteArchive(img v1.Image, ref string, out io.Writer) error {
	dir, err := os.MkdirTemp("", "llmbench-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("image layout: %w", err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": ref})); err != nil {
		return fmt.Errorf("image layout: %w", err)
	}
	tw := tar.NewWriter(out)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name, h.Uid, h.Gid, h.Uname, h.Gname = filepath.ToSlash(rel), 0, 0, "", ""
		if d.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return fmt.Errorf("image archive: %w", err)
	}
	return tw.Close()
}
