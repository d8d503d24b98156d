package ui

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func sampleSnapshot() Snapshot {
	return Snapshot{
		Elapsed: 5*time.Second + 40*time.Millisecond, VUs: 3, MaxVUs: 10, Complete: 123,
		Scenarios: []ScenarioBar{
			{Name: "default", Fraction: 1.0 / 6, Status: StatusRunning, Right: []string{"5 VUs", FormatDuration(5*time.Second, 30*time.Second) + "/30s"}},
			{Name: "warmup", Fraction: 1, Status: StatusDone, Right: []string{"1 VUs", "10s", "10/10 shared iters"}},
			{Name: "chat_long_context", Fraction: 0, Status: StatusWaiting, Right: []string{"waiting", "25.0s"}},
			{Name: "ramp", Fraction: 0.5, Status: StatusStopping, Right: []string{"02/10 VUs", FormatDuration(90*time.Second, 3*time.Minute) + "/3m0s"}},
		},
	}
}

func TestRenderFrameGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		snap  Snapshot
		width int
	}{
		{"frame", sampleSnapshot(), 0},
		{"frame_narrow", sampleSnapshot(), 60},
		{"frame_medium", sampleSnapshot(), 90},
		{"frame_stage", Snapshot{Stage: "setup()", MaxVUs: 10}, 0},
		{"frame_paused_hours", Snapshot{Paused: true, Elapsed: time.Hour + 2*time.Minute + 3*time.Second, VUs: 100, MaxVUs: 100, Complete: 5, Interrupted: 2}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			golden(t, c.name+".golden", strings.Join(RenderFrame(c.snap, c.width), "\n")+"\n")
		})
	}
}

func TestHeaderGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		info HeaderInfo
	}{
		{"header_one", HeaderInfo{
			Script: "script.js", MaxVUs: 5, MaxDuration: time.Minute,
			Scenarios: []ScenarioLine{{"default", "5 looping VUs for 30s (gracefulStop: 30s)"}},
		}},
		{"header_two", HeaderInfo{
			Script: "bench/chat.js", Outputs: []string{"json (out.json)", "csv (file.csv)"}, MaxVUs: 60,
			MaxDuration: 2*time.Minute + 30*time.Second + 49*time.Millisecond,
			Scenarios: []ScenarioLine{
				{"chat", "Up to 50 looping VUs for 2m0s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)"},
				{"warm", "10 iterations shared among 10 VUs (maxDuration: 10s, gracefulStop: 30s)"},
			},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := Header(&b, c.info); err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".golden", b.String())
		})
	}
}

func TestBar(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fraction float64
		width    int
		want     string
	}{
		{0, 12, "[----------]"},
		{0.05, 12, "[----------]"},
		{0.1, 12, "[>---------]"},
		{0.5, 12, "[====>-----]"},
		{0.99, 12, "[========>-]"},
		{1, 12, "[==========]"},
		{2, 12, "[==========]"},
		{0.42, 9, "[ 42%]"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := bar(c.fraction, c.width); got != c.want {
				t.Errorf("bar(%v, %d) = %q, want %q", c.fraction, c.width, got, c.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d, total time.Duration
		want     string
	}{
		{300 * time.Millisecond, 10 * time.Second, "00.3s"},
		{5 * time.Second, time.Minute, "0m05.0s"},
		{65 * time.Second, 15 * time.Minute, "01m05.0s"},
		{time.Hour + time.Second, 2 * time.Hour, "1h00m01.0s"},
		{-time.Second, time.Second, "00.0s"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := FormatDuration(c.d, c.total); got != c.want {
				t.Errorf("FormatDuration(%v, %v) = %q, want %q", c.d, c.total, got, c.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressWrites(t *testing.T) {
	t.Parallel()
	final := strings.Join(RenderFrame(sampleSnapshot(), 0), "\n") + "\n"
	cases := []struct {
		name           string
		tty, quiet     bool
		wantDuring     bool // something written while running
		wantFinalFrame string
	}{
		{"not_tty", false, false, false, final},
		{"quiet_tty", true, true, false, ""},
		{"quiet_not_tty", false, true, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var out syncBuffer
				var calls atomic.Int64
				p := NewProgress(&out, c.tty, c.quiet, func() Snapshot { calls.Add(1); return sampleSnapshot() })
				p.Start(t.Context())
				time.Sleep(time.Second)
				synctest.Wait()
				if got := out.String(); got != "" {
					t.Errorf("wrote %q while running, want nothing", got)
				}
				p.Stop()
				p.Stop()
				if got := out.String(); got != c.wantFinalFrame {
					t.Errorf("after Stop wrote %q, want %q", got, c.wantFinalFrame)
				}
			})
		})
	}
}

func TestProgressRedrawsOnTTY(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out syncBuffer
		var n atomic.Int64
		source := func() Snapshot {
			s := sampleSnapshot()
			s.Complete = n.Add(1)
			return s
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		p := NewProgress(&out, true, false, source)
		p.Start(ctx)
		time.Sleep(350 * time.Millisecond)
		synctest.Wait()
		// A frame at start and at 100, 200 and 300 ms.
		if got := n.Load(); got != 4 {
			t.Errorf("drew %d frames in 350ms, want 4", got)
		}
		p.Stop()
		got := out.String()
		lines := len(RenderFrame(sampleSnapshot(), 0))
		up := "\r\x1b[" + itoa(lines) + "A\x1b[J"
		if c := strings.Count(got, up); c != 4 {
			t.Errorf("redraws over the previous frame = %d, want 4 (3 ticks + Stop)", c)
		}
		if !strings.HasSuffix(got, "running (0m05.0s), 03/10 VUs, 5 complete and 0 interrupted iterations\n"+
			strings.Join(RenderFrame(sampleSnapshot(), 0)[1:], "\n")+"\n") {
			t.Errorf("final frame missing at the end:\n%q", got)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, v := range map[string]any{"buffer": &bytes.Buffer{}, "file": f, "nil": nil, "nil_file": (*os.File)(nil)} {
		if IsTerminal(v) {
			t.Errorf("IsTerminal(%s) = true", name)
		}
	}
}

func TestInterject(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := NewProgress(&out, true, false, sampleSnapshot)
	log := p.Interject(&out)
	p.draw()
	if _, err := log.Write([]byte("WARN hello\n")); err != nil {
		t.Fatal(err)
	}
	p.draw()
	frame := strings.Join(RenderFrame(sampleSnapshot(), 0), "\n") + "\n"
	up := "\r\x1b[" + strconv.Itoa(len(RenderFrame(sampleSnapshot(), 0))) + "A\x1b[J"
	if want := frame + up + "WARN hello\n" + frame; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	var plain bytes.Buffer
	if w := NewProgress(&plain, false, false, sampleSnapshot).Interject(&plain); w != io.Writer(&plain) {
		t.Errorf("Interject off a TTY = %T, want the writer itself", w)
	}
}
