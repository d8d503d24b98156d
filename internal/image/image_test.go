package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/llmbench/llmbench/internal/image"
	"github.com/llmbench/llmbench/internal/k6operator"
)

func TestLayer(t *testing.T) {
	dir := t.TempDir()
	bin, bb := filepath.Join(dir, "llmbench"), filepath.Join(dir, "busybox")
	_ = os.WriteFile(bin, []byte("binary"), 0o755)
	_ = os.WriteFile(bb, []byte("busybox"), 0o755)
	b, err := image.Layer(image.Spec{Binary: bin, Busybox: bb})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = fmt.Sprintf("%c %o %s", h.Typeflag, h.Mode, h.Linkname)
	}
	for name, want := range map[string]string{
		"usr/bin/llmbench": "0 755 ", "usr/bin/k6": "2 777 llmbench", "bin/sh": "2 777 busybox",
		"bin/grep": "2 777 busybox", "bin/dirname": "2 777 busybox", "tmp/": "5 1777 ",
	} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
	if _, err := image.Layer(image.Spec{Binary: filepath.Join(dir, "missing"), Busybox: bb}); err == nil {
		t.Error("a missing binary was accepted")
	}
}

// busybox finds a static busybox: $LLMBENCH_BUSYBOX, bin/busybox (what
// make image downloads) or busybox on PATH.
func busybox(t *testing.T) string {
	for _, p := range []string{os.Getenv("LLMBENCH_BUSYBOX"), "../../bin/busybox"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				abs, _ := filepath.Abs(p)
				return abs
			}
		}
	}
	if p, err := exec.LookPath("busybox"); err == nil {
		return p
	}
	t.Skip("no static busybox: set LLMBENCH_BUSYBOX, run make image, or install busybox-static")
	return ""
}

// TestArchiveRunsTheOperatorsCommands builds the image archive, unpacks
// its layer from the OCI layout, and runs from it the initializer's exact
// script and a runner's exact argv (paused, then started by the starter's
// PATCH).
func TestArchiveRunsTheOperatorsCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a static binary (-short)")
	}
	bb := busybox(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "llmbench-static")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "github.com/llmbench/llmbench/cmd/llmbench")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("static build: %v\n%s", err, out)
	}
	img, err := image.Build(image.Spec{Binary: bin, Busybox: bb, Ref: "llmbench-runner:test", Created: time.Unix(0, 0)}, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	var archive bytes.Buffer
	if err := image.WriteArchive(img, "llmbench-runner:test", &archive); err != nil {
		t.Fatal(err)
	}

	// Unpack the OCI archive and read the image back from its layout.
	ociDir := filepath.Join(tmp, "oci")
	untar(t, bytes.NewReader(archive.Bytes()), ociDir)
	idx, err := layout.ImageIndexFromPath(ociDir)
	if err != nil {
		t.Fatal(err)
	}
	man, err := idx.IndexManifest()
	if err != nil || len(man.Manifests) != 1 || man.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "llmbench-runner:test" {
		t.Fatalf("index = %+v, %v", man, err)
	}
	got, err := idx.Image(man.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := got.ConfigFile()
	if err != nil || cf.OS != "linux" || cf.Config.Env[0] != "PATH=/usr/bin:/bin" {
		t.Fatalf("config = %+v, %v", cf, err)
	}
	layers, err := got.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers = %d, %v", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(tmp, "rootfs")
	untar(t, rc, root)
	rc.Close()
	// The image's PATH, rooted at the unpacked layer: k6 and sh come from it.
	t.Setenv("PATH", filepath.Join(root, "usr/bin")+string(os.PathListSeparator)+filepath.Join(root, "bin"))

	testDir := filepath.Join(tmp, "test")
	if err := os.MkdirAll(testDir, 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(testDir, "test.js")
	const js = `export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 4 } }, thresholds: { iterations: ['count==2'] } };
export default function () {}
`
	if err := os.WriteFile(script, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	// The initializer: sh -c <script>, from the image's busybox sh.
	initTmp := filepath.Join(tmp, "init")
	sh := exec.Command(filepath.Join(root, "bin/sh"), "-c", k6operator.InitializerScript(script, initTmp, []string{"--tag", "a=b"}))
	var stdout, stderr bytes.Buffer
	sh.Stdout, sh.Stderr = &stdout, &stderr
	if err := sh.Run(); err != nil {
		t.Fatalf("initializer: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var req struct {
		MaxVUs        uint64 `json:"maxVUs"`
		TotalDuration string `json:"totalDuration"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &req); err != nil || req.MaxVUs != 2 || req.TotalDuration != "10m30s" {
		t.Fatalf("initializer output %+v (%v): %s", req, err, stdout.String())
	}

	// Runner 1 of 2 with the operator's argv; argv[0] is "k6" from PATH.
	port := freePort(t)
	argv := k6operator.Runner{Index: 1, Parallelism: 2, Name: "img", Script: script, Address: fmt.Sprintf("127.0.0.1:%d", port)}.Argv()
	run := exec.Command(argv[0], argv[1:]...)
	var runErr bytes.Buffer
	run.Stderr = &runErr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill() //nolint:errcheck // no-op after the exit
	url := fmt.Sprintf("http://127.0.0.1:%d/v1/status", port)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), `"status":4`) {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("runner never paused: %v\n%s", err, runErr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	patch, _ := http.NewRequest(http.MethodPatch, url, strings.NewReader(k6operator.StartBody))
	patch.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(patch)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Its share is 2 of the 4 iterations, so count==2 passes: exit 0.
	if err := run.Wait(); err != nil {
		t.Fatalf("runner: %v\n%s", err, runErr.String())
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// untar extracts r into dir: directories, regular files and symlinks.
func untar(t *testing.T, r io.Reader, dir string) {
	t.Helper()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, filepath.Clean(dir)) {
			t.Fatalf("entry %q escapes the directory", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			err = os.Symlink(h.Linkname, p)
		case tar.TypeReg:
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			var f *os.File
			if f, err = os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777); err == nil {
				_, err = io.Copy(f, tr)
				f.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
