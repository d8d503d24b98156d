package js

import (
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/duration"
)

// timers implements setTimeout/setInterval for one VU on its event loop.
// Only the VU goroutine uses it.
type timers struct {
	loop   *eventLoop
	next   int64
	active map[int64]timer
}

func newTimers(l *eventLoop) *timers {
	return &timers{loop: l, active: map[int64]timer{}}
}

// timer is a pending timer: its kind (for the interruption warning) and
// how to stop it.
type timer struct {
	kind string
	stop func()
}

// fn makes the timer function name (setTimeout, setInterval, clearTimeout
// or clearInterval) in rt.
func (t *timers) fn(rt *sobek.Runtime, name string) sobek.Value {
	switch name {
	case "setTimeout":
		return rt.ToValue(func(c sobek.FunctionCall) sobek.Value { return t.set(rt, c, false) })
	case "setInterval":
		return rt.ToValue(func(c sobek.FunctionCall) sobek.Value { return t.set(rt, c, true) })
	}
	return rt.ToValue(t.clear)
}

func (t *timers) set(rt *sobek.Runtime, c sobek.FunctionCall, repeat bool) sobek.Value {
	name := "setTimeout"
	if repeat {
		name = "setInterval"
	}
	fn, ok := sobek.AssertFunction(c.Argument(0))
	if !ok {
		panic(rt.NewTypeError(name + "'s callback isn't a callable function"))
	}
	ms := c.Argument(1).ToFloat()
	if ms != ms || ms < 0 {
		ms = 0
	}
	var args []sobek.Value
	if len(c.Arguments) > 2 {
		args = append(args, c.Arguments[2:]...)
	}
	t.next++
	id := t.next
	d, err := duration.FromMillis(ms)
	if err != nil { // beyond what a duration holds: at once, as a browser's overflow
		d = 0
	}
	global := rt.GlobalObject()
	var arm func()
	arm = func() {
		enqueue := t.loop.reserve()
		tm := time.AfterFunc(d, func() {
			enqueue(func() error {
				if _, ok := t.active[id]; !ok {
					return nil
				}
				if repeat {
					arm()
				} else {
					delete(t.active, id)
				}
				_, err := fn(global, args...)
				return err
			})
		})
		t.active[id] = timer{kind: name, stop: func() {
			if tm.Stop() {
				enqueue(func() error { return nil })
			}
		}}
	}
	arm()
	return rt.ToValue(id)
}

func (t *timers) clear(c sobek.FunctionCall) sobek.Value {
	id := c.Argument(0).ToInteger()
	if tm, ok := t.active[id]; ok {
		delete(t.active, id)
		tm.stop()
	}
	return sobek.Undefined()
}

// stopAll cancels every pending timer, releasing its loop reservation;
// warn is called for each (nil: silently).
func (t *timers) stopAll(warn func(kind string, id int64)) {
	for id, tm := range t.active {
		delete(t.active, id)
		tm.stop()
		if warn != nil {
			warn(tm.kind, id)
		}
	}
}
