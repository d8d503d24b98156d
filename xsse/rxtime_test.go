package xsse_test

import (
	"fmt"
	"math"
	"net/http"
	"runtime"
	"sort"
	"testing"
	"time"
)

// Each event carries the kernel receive time of the bytes that completed
// it: the sse_event sample's time and the non-enumerable e.receivedAt. A
// script's Date.now() in its 'event' handler lags it by the client's own
// delays, plus up to 1 ms of truncation (Date.now() counts whole ms).
func TestReceivedAtLag(t *testing.T) {
	t.Parallel()
	const n = 100
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		for i := 0; i < n; i++ {
			write(w, fmt.Sprintf("data: %d\n\n", i))
			time.Sleep(2 * time.Millisecond)
		}
	})
	r := mustRun(t, `
import sse from 'k6/x/sse';
import { Trend } from 'k6/metrics';
const lag = new Trend('lag');
const rx = new Trend('rx');
export const options = { iterations: 1 };
export default function () {
  let keys;
  sse.open(__ENV.URL, (c) => c.on('event', (e) => {
    const now = Date.now();
    lag.add(now - e.receivedAt);
    rx.add(e.receivedAt);
    keys = Object.keys(e);
  }));
  eq(keys, ['id', 'name', 'comment', 'data'], 'receivedAt is not enumerable');
}
`, "-e", "URL="+url)
	lags, rx, ev := r.Of("lag"), r.Of("rx"), r.Of("sse_event")
	if len(lags) != n || len(rx) != n || len(ev) != n {
		t.Fatalf("%d lags, %d receive times, %d sse_event samples; want %d each", len(lags), len(rx), len(ev), n)
	}
	var sum float64
	vals := make([]float64, n)
	for k, s := range lags {
		vals[k] = s.Value
		sum += s.Value
		// Date.now() truncates to the ms, so it may read up to 1 ms before
		// the receive instant, never more.
		if s.Value <= -1 {
			t.Errorf("event %d: Date.now() is %.3f ms before its receive time", k, -s.Value)
		}
		// The sample is stamped with the same instant (the JSON output
		// keeps µs).
		at := float64(ev[k].Time.UnixMicro()) / 1e3
		if d := math.Abs(at - rx[k].Value); d > 0.002 {
			t.Errorf("event %d: sse_event at %.3f, receivedAt %.3f", k, at, rx[k].Value)
		}
	}
	sort.Float64s(vals)
	// The truncation error is uniform over (-1, 0] ms, so the mean lag plus
	// 0.5 ms estimates the handler's true lag. The bound is loose: the test
	// machine is shared.
	mean := sum / n
	t.Logf("Date.now() − receivedAt over %d events: mean %.3f ms (true lag ≈ %.3f ms), median %.3f, max %.3f", n, mean, mean+0.5, vals[n/2], vals[n-1])
	if mean+0.5 > 50 {
		t.Errorf("handlers lag their events by %.1f ms on average", mean+0.5)
	}
}

// An event that arrives while a handler is busy keeps its arrival time:
// Date.now() in its handler lags it by the time it waited in the socket.
func TestReceivedAtIsTheArrival(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("kernel receive stamps are read on Linux only")
	}
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		write(w, "data: a\n\n")
		time.Sleep(5 * time.Millisecond)
		write(w, "data: b\n\n")
	})
	r := mustRun(t, `
import sse from 'k6/x/sse';
import { Trend } from 'k6/metrics';
const out = new Trend('out');
export const options = { iterations: 1 };
export default function () {
  const rx = [], seen = [];
  sse.open(__ENV.URL, (c) => c.on('event', (e) => {
    rx.push(e.receivedAt);
    seen.push(Date.now());
    if (e.data === 'a') { const until = Date.now() + 100; while (Date.now() < until) {} }
  }));
  eq(rx.length, 2, 'two events');
  out.add(rx[1] - rx[0], { what: 'gap' });
  out.add(seen[1] - rx[1], { what: 'lag' });
}
`, "-e", "URL="+url)
	got := map[string]float64{}
	for _, s := range r.Of("out") {
		got[s.Tags["what"]] = s.Value
	}
	t.Logf("arrival gap %.3f ms; the second handler ran %.3f ms after its event arrived", got["gap"], got["lag"])
	if got["gap"] > 60 || got["lag"] < 40 {
		t.Errorf("b arrived %.1f ms after a (want ≈5) and was handled %.1f ms after its arrival (want ≈95): receivedAt is not the arrival", got["gap"], got["lag"])
	}
}
