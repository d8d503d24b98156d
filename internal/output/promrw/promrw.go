package promrw

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/snappy"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/redact"
)

// Output pushes cumulative series to a Prometheus remote-write endpoint.
type Output struct {
	cfg  Config
	log  *slog.Logger
	http *http.Client
	now  func() time.Time

	buf     output.BatchBuffer
	flusher *output.Flusher

	mu     sync.Mutex // the rest: flusher goroutine and Stop
	spare  []metrics.Batch
	series map[key]*series
	order  []*series // creation order, for stable requests
	body   []byte
	packed []byte
	vals   []float64
	fails  int
	err    error // the latest failed push
}

// New returns an experimental-prometheus-rw output configured from p.
func New(p output.Params) (*Output, error) {
	cfg, err := ParseConfig(p)
	if err != nil {
		return nil, err
	}
	if p.ConfigArgument != "" {
		p.Log().Warn("experimental-prometheus-rw ignores its --out argument; set K6_PROMETHEUS_RW_SERVER_URL", "argument", p.ConfigArgument)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: cfg.TLSMinVersion, InsecureSkipVerify: cfg.InsecureSkipTLSVerify} //nolint:gosec // the user asked for it
	return &Output{
		cfg: cfg, log: p.Log(), now: time.Now,
		http:   &http.Client{Transport: tr, Timeout: 5 * time.Second},
		series: map[key]*series{},
	}, nil
}

// Description implements output.Output.
func (o *Output) Description() string {
	return fmt.Sprintf("Prometheus remote-write (%s)", redact.URL(o.cfg.ServerURL))
}

// Start starts the periodic push.
func (o *Output) Start(context.Context) error {
	o.flusher = output.NewFlusher(o.cfg.PushInterval, o.push)
	return nil
}

// AddBatches buffers bs; it never blocks on the network.
func (o *Output) AddBatches(bs []metrics.Batch) { o.buf.Add(bs) }

// ingest adds the buffered samples to their series' sinks.
func (o *Output) ingest() {
	batches := o.buf.Swap(o.spare)
	for i := range batches {
		b := &batches[i]
		ms := b.Time.UnixMilli()
		tagKey := b.Tags.Key()
		for _, smp := range b.Samples {
			k := key{smp.Metric.Index, tagKey}
			s := o.series[k]
			if s == nil {
				s = newSeries(smp.Metric, b.Tags, o.cfg.TrendStats, o.cfg.TrendAsNativeHistogram)
				o.series[k] = s
				o.order = append(o.order, s)
			}
			v := smp.Value
			if smp.Metric.Type == metrics.Trend && smp.Metric.Contains == metrics.Time {
				v /= 1000 // k6 sends time trends in seconds
			}
			if s.hist != nil {
				s.hist.add(v)
			} else {
				s.sink.Add(v)
			}
			s.last = max(s.last, ms)
		}
	}
	o.spare = batches
}

func (o *Output) push() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ingest()
	o.body = o.body[:0]
	var pending []*series
	for _, s := range o.order {
		if s.last <= s.sent {
			continue
		}
		if s.hist != nil {
			o.body = appendHistogramSeries(o.body, s.labels[0], s.hist, s.last)
			pending = append(pending, s)
			continue
		}
		o.vals = s.values(o.cfg.TrendStats, o.vals)
		for i, v := range o.vals {
			o.body = appendSeries(o.body, s.labels[i], v, s.last)
		}
		pending = append(pending, s)
	}
	if len(pending) == 0 {
		return
	}
	if retry, err := o.send(o.body); err != nil {
		o.fails++
		o.err = err
		if retry {
			o.log.Debug("prometheus remote write failed; the values go again with the next push", "error", err)
			return
		}
		// The server refused the request (e.g. a sample out of its time
		// bounds): sending the same again would fail forever.
		o.log.Debug("prometheus remote write refused; these values are dropped", "error", err)
	}
	for _, s := range pending {
		s.sent = s.last
	}
}

// send posts one WriteRequest, retrying once on a network error or 5xx;
// retry reports whether a later push may succeed with the same values.
func (o *Output) send(body []byte) (retry bool, err error) {
	o.packed = snappy.Encode(o.packed[:cap(o.packed)], body)
	for attempt := range 2 {
		if attempt > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		if retry, err = o.post(o.packed); err == nil || !retry {
			return retry, err
		}
	}
	return retry, err
}

func (o *Output) post(packed []byte) (retry bool, err error) {
	req, err := http.NewRequest(http.MethodPost, o.cfg.ServerURL, bytes.NewReader(packed))
	if err != nil {
		return false, fmt.Errorf("remote write request: %w", err)
	}
	h := req.Header
	h.Set("Content-Encoding", "snappy")
	h.Set("Content-Type", "application/x-protobuf")
	h.Set("User-Agent", "llmbench")
	h.Set("X-Prometheus-Remote-Write-Version", "0.1.0")
	for k, v := range o.cfg.Headers {
		h.Set(k, v)
	}
	if o.cfg.Username != "" {
		req.SetBasicAuth(o.cfg.Username, o.cfg.Password)
	} else if o.cfg.BearerToken != "" {
		h.Set("Authorization", "Bearer "+o.cfg.BearerToken)
	}
	resp, err := o.http.Do(req)
	if err != nil {
		return true, fmt.Errorf("remote write to %s: %s", redact.URL(o.cfg.ServerURL), redact.Text(err.Error()))
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests, fmt.Errorf("remote write to %s: status %d: %s", redact.URL(o.cfg.ServerURL), resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return false, nil
}

// Stop pushes the final values and, with stale markers on, marks every
// series stale at now+1ms. Failed pushes are reported once.
func (o *Output) Stop(error) error {
	if o.flusher == nil {
		return nil
	}
	o.flusher.Stop()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cfg.StaleMarkers && len(o.order) > 0 {
		ts := o.now().Add(time.Millisecond).UnixMilli()
		o.body = o.body[:0]
		for _, s := range o.order {
			for _, l := range s.labels {
				o.body = appendSeries(o.body, l, staleNaN, ts)
			}
		}
		if _, err := o.send(o.body); err != nil {
			o.fails++
			o.err = err
		}
	}
	if o.fails > 0 {
		o.log.Warn("prometheus remote write: some pushes failed", "failed", o.fails, "lastError", o.err)
	}
	return nil
}

var _ output.Output = (*Output)(nil)
