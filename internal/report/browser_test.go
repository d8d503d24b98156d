//go:build browser

package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The browser tests render pages in headless Chromium (Debian package
// chromium): go test -tags browser ./internal/report/. CHROMIUM names
// another binary.

// browser is one headless Chromium run of a page on disk, with every
// request it makes to the network sent to a recording proxy.
type browser struct {
	dom      string
	console  []string // console messages and uncaught errors
	requests []string // requests that left the page
	shot     []byte   // PNG, when asked for
}

// browserServices are hosts Chromium itself calls (network time, component
// updates, sign-in) whatever page it shows; no page asks for them.
var browserServices = map[string]bool{
	"clients2.google.com": true, "update.googleapis.com": true, "accounts.google.com": true,
	"optimizationguide-pa.googleapis.com": true, "safebrowsingohttpgateway.googleapis.com": true,
}

var consoleRE = regexp.MustCompile(`:CONSOLE(?::\d+|\(\d+\))\] (.*)`)

func chromium(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", bin, err)
	}
	return bin
}

// render loads file in Chromium twice: once dumping the DOM, with console
// logging on stderr, and once taking a 1400×2000 screenshot.
func render(t *testing.T, file string) browser {
	t.Helper()
	bin := chromium(t)
	var mu sync.Mutex
	var b browser
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, ok := strings.Cut(host, ":"); ok {
			host = h
		}
		if !browserServices[host] {
			mu.Lock()
			b.requests = append(b.requests, r.Method+" "+r.Host+" "+r.URL.Path)
			mu.Unlock()
		}
		http.Error(w, "no network for reports", http.StatusForbidden)
	}))
	defer proxy.Close()
	dir := t.TempDir()
	shot := filepath.Join(dir, "shot.png")
	run := func(extra ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
			"--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
			"--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
			"--user-data-dir=" + filepath.Join(dir, "profile"),
			"--proxy-server=" + proxy.URL, "--proxy-bypass-list=<-loopback>",
			"--enable-logging=stderr", "--v=0"}, extra...)
		args = append(args, "file://"+file)
		cmd := exec.CommandContext(ctx, bin, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium: %v\n%s", err, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	dom, logs := run("--dump-dom")
	_, logs2 := run("--screenshot="+shot, "--window-size=1400,2000")
	b.dom = dom
	for _, line := range strings.Split(logs+logs2, "\n") {
		if m := consoleRE.FindStringSubmatch(line); m != nil {
			b.console = append(b.console, m[1])
		}
	}
	shotPNG, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	b.shot = shotPNG
	return b
}

func writePage(t *testing.T, html string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(p, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserHarness proves the harness sees what TestBrowserReport must
// not: a console error, an uncaught exception and a request to the network.
func TestBrowserHarness(t *testing.T) {
	page := writePage(t, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>x</p>
<img src="http://example.invalid/x.png"><script>console.error("boom"); missing();</script></body></html>`)
	b := render(t, page)
	if len(b.console) < 2 {
		t.Errorf("console messages %q, want boom and the ReferenceError", b.console)
	}
	if len(b.requests) == 0 {
		t.Error("the image request did not reach the recording proxy")
	}
}

var domPathRE = regexp.MustCompile(`<path class="series"[^>]*data-points="(\d+)"[^>]*d="([^"]*)"`)

// TestBrowserReport renders a two-run comparison with GPU samples: no
// console message, no request leaves the page, every chart holds data in
// the DOM, and the screenshot shows both runs' colours.
func TestBrowserReport(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, twoRuns(t)); err != nil {
		t.Fatal(err)
	}
	b := render(t, writePage(t, buf.String()))
	if len(b.console) > 0 {
		t.Errorf("console messages: %q", b.console)
	}
	if len(b.requests) > 0 {
		t.Errorf("requests left the page: %q", b.requests)
	}
	if n := strings.Count(b.dom, "<svg "); n != 11 {
		t.Errorf("%d charts in the DOM, want 11", n)
	}
	paths := domPathRE.FindAllStringSubmatch(b.dom, -1)
	if len(paths) < 10 {
		t.Errorf("%d series in the DOM, want at least 10", len(paths))
	}
	for _, p := range paths {
		n, _ := strconv.Atoi(p[1])
		if n < 2 || strings.Count(p[2], "L") < n-1-strings.Count(p[2], "M")+1 {
			t.Errorf("series of %d points drawn as %.80q", n, p[2])
		}
	}
	if m := regexp.MustCompile(`<rect class="bar"`).FindAllString(b.dom, -1); len(m) != 4 {
		t.Errorf("%d bars, want 4", len(m))
	}
	img, err := png.Decode(bytes.NewReader(b.shot))
	if err != nil {
		t.Fatal(err)
	}
	for i, hex := range palette[:2] {
		var want [3]uint32
		fmt.Sscanf(hex, "#%02x%02x%02x", &want[0], &want[1], &want[2])
		n := 0
		bounds := img.Bounds()
		for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
			for x := bounds.Min.X; x < bounds.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if near8(r, want[0]) && near8(g, want[1]) && near8(bl, want[2]) {
					n++
				}
			}
		}
		if n < 2000 {
			t.Errorf("run %d's colour %s covers %d pixels of the screenshot, want charts drawn in it", i, hex, n)
		}
	}
	if out := os.Getenv("REPORT_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, b.shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func near8(v16, want uint32) bool {
	d := int(v16>>8) - int(want)
	return d > -12 && d < 12
}
