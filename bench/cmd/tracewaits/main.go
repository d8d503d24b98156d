// Command tracewaits reads an execution trace (LLMBENCH_TRACE=FILE) and
// lists the goroutines that, once woken, waited runnable longer than
// -min before they ran: when, how long, and the GC mark phases of the
// run, to line up a first-token tail (bench/llm.sh ttft) with what held
// the stream goroutines. Usage: tracewaits [-min 10ms] [-n 20] TRACE
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	min := flag.Duration("min", 10*time.Millisecond, "report waits longer than this")
	n := flag.Int("n", 20, "how many of the longest waits to list")
	flag.Parse()
	if err := run(flag.Arg(0), *min, *n); err != nil {
		fmt.Fprintln(os.Stderr, "tracewaits:", err)
		os.Exit(1)
	}
}

type wait struct {
	d  time.Duration
	at trace.Time
}

func run(path string, min time.Duration, n int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		return err
	}
	woken := map[trace.GoID]trace.Time{}
	var waits []wait
	var marks []trace.Time
	var first trace.Time
	total := 0
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil { // a trace cut at exit: report what was read
			fmt.Fprintln(os.Stderr, "tracewaits: stopped reading:", err)
			break
		}
		if first == 0 {
			first = ev.Time()
		}
		switch ev.Kind() {
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			id := st.Resource.Goroutine()
			from, to := st.Goroutine()
			switch {
			case from == trace.GoWaiting && to == trace.GoRunnable:
				woken[id] = ev.Time()
			case from == trace.GoRunnable && to == trace.GoRunning:
				if t0, ok := woken[id]; ok {
					total++
					if d := ev.Time().Sub(t0); d > min {
						waits = append(waits, wait{d, t0})
					}
					delete(woken, id)
				}
			}
		case trace.EventRangeBegin:
			if ev.Range().Name == "GC concurrent mark phase" {
				marks = append(marks, ev.Time())
			}
		}
	}
	sort.Slice(waits, func(i, j int) bool { return waits[i].d > waits[j].d })
	fmt.Printf("%d of %d wake-ups waited runnable longer than %v\n", len(waits), total, min)
	for _, m := range marks {
		fmt.Printf("GC mark phase began at +%v\n", m.Sub(first).Round(time.Microsecond))
	}
	for i, w := range waits {
		if i == n {
			break
		}
		fmt.Printf("  waited %v, woken at +%v\n", w.d.Round(time.Microsecond), w.at.Sub(first).Round(time.Microsecond))
	}
	return nil
}
