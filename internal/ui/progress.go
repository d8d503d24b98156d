package ui

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// RefreshInterval is how often Progress redraws on a terminal.
const RefreshInterval = 100 * time.Millisecond

// Progress draws the live progress of a run.
//
// On a terminal (and not quiet) it redraws the frame in place every
// RefreshInterval, moving the cursor up over the previous frame. Otherwise it
// writes nothing while running. Stop writes the final frame once, unless
// quiet.
//
// A small ANSI redraw is used rather than mpb: the frame is a pure function
// of a Snapshot (golden-tested text in k6's exact format), and redrawing it
// takes a cursor-up and an erase; mpb's bars, decorators and own refresh
// goroutine would fight that format for no gain.
//
// Nothing else may write to w between Start and Stop on a terminal, or the
// redraw overwrites the wrong lines.
type Progress struct {
	w      io.Writer
	tty    bool
	quiet  bool
	source func() Snapshot
	// width returns the terminal width (0: unknown); nil means unknown.
	width func() int

	mu      sync.Mutex
	lines   int // lines of the frame on screen (TTY)
	stop    chan struct{}
	done    chan struct{}
	stopped bool
}

// NewProgress returns a Progress writing to w frames from source. isTTY says
// whether w is a terminal; quiet (-q) turns all output off.
func NewProgress(w io.Writer, isTTY, quiet bool, source func() Snapshot) *Progress {
	p := &Progress{w: w, tty: isTTY, quiet: quiet, source: source}
	if f, ok := w.(*os.File); ok && isTTY {
		p.width = func() int {
			if wd, _, err := term.GetSize(int(f.Fd())); err == nil {
				return wd
			}
			return 0
		}
	}
	return p
}

// Start begins redrawing on a terminal until Stop or the end of ctx. It
// does nothing when quiet or not on a terminal, or when already started.
func (p *Progress) Start(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quiet || !p.tty || p.stop != nil || p.stopped {
		return
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go p.loop(ctx, p.stop, p.done)
}

func (p *Progress) loop(ctx context.Context, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(RefreshInterval)
	defer t.Stop()
	p.draw()
	for {
		select {
		case <-t.C:
			p.draw()
		case <-stop:
			return
		case <-ctx.Done():
			return
		}
	}
}

// Stop ends the redraws and writes the final frame once, unless quiet. It
// is safe to call more than once; later calls do nothing.
func (p *Progress) Stop() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	stop, done := p.stop, p.done
	p.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	if !p.quiet {
		p.draw()
	}
}

// draw writes the current frame, over the previous one on a terminal.
func (p *Progress) draw() {
	snap := p.source()
	width := 0
	if p.width != nil {
		width = p.width()
	}
	lines := RenderFrame(snap, width)
	var b strings.Builder
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.lines > 0 {
		// Back to the first line of the previous frame, erase to the end.
		b.WriteString("\r\x1b[" + strconv.Itoa(p.lines) + "A\x1b[J")
	}
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	p.lines = len(lines)
	_, _ = io.WriteString(p.w, b.String())
}

// IsTerminal reports whether f is an *os.File connected to a terminal.
func IsTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && file != nil && term.IsTerminal(int(file.Fd()))
}

// Interject returns a writer for other output on the same terminal (log
// lines, console.log on stderr): each Write first erases the frame on
// screen, and the next redraw draws it again below the new text. When
// Progress does not redraw (not a TTY, quiet), it is dst itself.
func (p *Progress) Interject(dst io.Writer) io.Writer {
	if p.quiet || !p.tty {
		return dst
	}
	return interjector{p: p, dst: dst}
}

type interjector struct {
	p   *Progress
	dst io.Writer
}

func (i interjector) Write(b []byte) (int, error) {
	i.p.mu.Lock()
	defer i.p.mu.Unlock()
	if i.p.lines > 0 {
		_, _ = io.WriteString(i.p.w, "\r\x1b["+strconv.Itoa(i.p.lines)+"A\x1b[J")
		i.p.lines = 0
	}
	return i.dst.Write(b)
}
