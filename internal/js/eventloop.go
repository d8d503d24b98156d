package js

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/grafana/sobek"
)

// eventLoop runs one VU's callbacks on the VU's goroutine. Work from other
// goroutines comes back through reservations (reserve) that must be
// enqueued exactly once; a run ends when nothing is queued or reserved.
type eventLoop struct {
	rt      *sobek.Runtime
	mu      sync.Mutex
	queue   []func() error
	spare   []func() error
	pending int
	wake    chan struct{}

	// rejected holds promises rejected with no handler, in order; only the
	// VU goroutine touches it (the tracker runs synchronously).
	rejected []*sobek.Promise
	ignore   *sobek.Promise
}

func newEventLoop(rt *sobek.Runtime) *eventLoop {
	l := &eventLoop{rt: rt, wake: make(chan struct{}, 1)}
	rt.SetPromiseRejectionTracker(l.track)
	return l
}

func (l *eventLoop) track(p *sobek.Promise, op sobek.PromiseRejectionOperation) {
	switch op {
	case sobek.PromiseRejectionReject:
		l.rejected = append(l.rejected, p)
	case sobek.PromiseRejectionHandle:
		for i, q := range l.rejected {
			if q == p {
				l.rejected = append(l.rejected[:i], l.rejected[i+1:]...)
				break
			}
		}
	}
}

// reserve holds the loop open until the returned enqueue is called, from
// any goroutine, exactly once.
func (l *eventLoop) reserve() func(func() error) {
	l.mu.Lock()
	l.pending++
	l.mu.Unlock()
	var done atomic.Bool
	return func(f func() error) {
		if !done.CompareAndSwap(false, true) {
			panic("js: event loop callback enqueued twice")
		}
		l.mu.Lock()
		l.queue = append(l.queue, f)
		l.pending--
		l.mu.Unlock()
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// run calls first, then queued callbacks until the loop is empty, the
// context ends (ctx.Err() is returned) or a callback fails. Unhandled
// promise rejections end the run with an "Uncaught (in promise)" error.
func (l *eventLoop) run(ctx context.Context, first func() error) error {
	if err := first(); err != nil {
		return err
	}
	if err := l.checkRejections(); err != nil {
		return err
	}
	for {
		l.mu.Lock()
		if len(l.queue) == 0 {
			idle := l.pending == 0
			l.mu.Unlock()
			if idle {
				return nil
			}
			select {
			case <-l.wake:
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		q := l.queue
		l.queue = l.spare[:0]
		l.mu.Unlock()
		for i, f := range q {
			q[i] = nil
			if ctx.Err() != nil {
				l.spare = q[:0]
				return ctx.Err()
			}
			if err := f(); err != nil {
				l.spare = q[:0]
				return err
			}
			if err := l.checkRejections(); err != nil {
				l.spare = q[:0]
				return err
			}
		}
		l.spare = q[:0]
	}
}

// drain waits until every reservation has been enqueued and drops the
// queued callbacks without running them (running JS after an interrupt
// can break the runtime).
func (l *eventLoop) drain() {
	for {
		l.mu.Lock()
		clear(l.queue)
		l.queue = l.queue[:0]
		idle := l.pending == 0
		l.mu.Unlock()
		if idle {
			break
		}
		<-l.wake
	}
	l.rejected = l.rejected[:0]
	l.ignore = nil
}

func (l *eventLoop) checkRejections() error {
	for len(l.rejected) > 0 {
		p := l.rejected[0]
		l.rejected = l.rejected[1:]
		if p == l.ignore {
			continue
		}
		l.rejected = l.rejected[:0]
		return &RejectionError{Value: describeValue(l.rt, p.Result())}
	}
	l.rejected = l.rejected[:0]
	return nil
}

// RejectionError is a promise rejected with no handler.
type RejectionError struct{ Value string }

func (e *RejectionError) Error() string { return "Uncaught (in promise) " + e.Value }

// describeValue renders a thrown or rejected value: its stack when it has
// one, else its string form.
func describeValue(rt *sobek.Runtime, v sobek.Value) string {
	if v == nil {
		return "undefined"
	}
	if exp, ok := v.Export().(error); ok {
		var exc *sobek.Exception
		if errors.As(exp, &exc) {
			return exc.String()
		}
		return exp.Error()
	}
	s := ""
	if ex := rt.Try(func() {
		if o, ok := v.(*sobek.Object); ok {
			if st := o.Get("stack"); st != nil && !sobek.IsUndefined(st) && !sobek.IsNull(st) {
				s = st.String()
				return
			}
		}
		s = v.String()
	}); ex != nil {
		s = fmt.Sprintf("%v", v.Export())
	}
	return s
}
