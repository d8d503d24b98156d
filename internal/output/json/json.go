package json

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/threshold"
)

// FlushInterval is how often buffered samples are written (k6: 200ms).
const FlushInterval = 200 * time.Millisecond

// Output writes samples as k6's JSON lines.
type Output struct {
	params   output.Params
	name     string
	interval time.Duration

	buf     output.BatchBuffer
	flusher *output.Flusher

	// Owned by the flushing goroutine (and Stop after the flusher ended).
	file    *output.File
	enc     Encoder
	line    []byte
	spare   []metrics.Batch
	writeMu sync.Mutex
	err     error
}

// New returns a json output writing to the file named by p.ConfigArgument.
func New(p output.Params) (*Output, error) {
	return &Output{params: p, name: p.ConfigArgument, interval: FlushInterval,
		enc: Encoder{Thresholds: p.Thresholds}}, nil
}

// Description implements output.Output.
func (o *Output) Description() string {
	if o.name == "" || o.name == "-" {
		return "json (stdout)"
	}
	return fmt.Sprintf("json (%s)", o.name)
}

// Start opens the file and starts the periodic flush.
func (o *Output) Start(context.Context) error {
	f, err := output.OpenFile(o.params, o.name)
	if err != nil {
		return fmt.Errorf("json output: %w", err)
	}
	o.file = f
	o.flusher = output.NewFlusher(o.interval, o.flush)
	return nil
}

// AddBatches buffers bs; it never blocks on IO.
func (o *Output) AddBatches(bs []metrics.Batch) { o.buf.Add(bs) }

func (o *Output) flush() {
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	batches := o.buf.Swap(o.spare)
	for i := range batches {
		o.line = o.enc.AppendBatch(o.line[:0], &batches[i])
		if _, err := o.file.Write(o.line); err != nil && o.err == nil {
			output.Lost(o.params, &o.err, fmt.Errorf("json output: writing %s: %w", o.file.Name(), err))
		}
	}
	o.spare = batches
	if err := o.file.Sync(); err != nil && o.err == nil {
		output.Lost(o.params, &o.err, fmt.Errorf("json output: %w", err))
	}
}

// Stop writes everything still buffered and closes the file; runErr does
// not change that (an aborted run keeps all its lines).
func (o *Output) Stop(error) error {
	if o.flusher == nil {
		return nil
	}
	o.flusher.Stop()
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	if err := o.file.Close(); err != nil && o.err == nil {
		o.err = fmt.Errorf("json output: %w", err)
	}
	return o.err
}

// Encoder appends k6's JSON lines for batches. It remembers which metrics
// already had their Metric line. It is not safe for concurrent use.
type Encoder struct {
	// Thresholds fill the Metric lines' thresholds and submetrics.
	Thresholds threshold.Set
	names      [][]byte // per metric index: `{"metric":"name","type":"Point","data":{"time":"`; nil until its Metric line
	head, tail []byte   // per batch: the time, and everything after the value
}

// AppendBatch appends the lines of b to dst: a Metric line for each metric
// not seen before, then one Point line per sample.
func (e *Encoder) AppendBatch(dst []byte, b *metrics.Batch) []byte {
	// The time, tags and metadata are the same for every sample of the
	// batch: encode them once.
	e.head = b.Time.AppendFormat(e.head[:0], time.RFC3339Nano)
	e.tail = append(e.tail[:0], `,"tags":`...)
	e.tail = appendTags(e.tail, b.Tags.List())
	if len(b.Metadata) > 0 {
		e.tail = append(e.tail, `,"metadata":`...)
		e.tail = appendMap(e.tail, b.Metadata)
	}
	e.tail = append(e.tail, "}}\n"...)
	for _, s := range b.Samples {
		m := s.Metric
		if m.Index >= len(e.names) {
			e.names = append(e.names, make([][]byte, m.Index+1-len(e.names))...)
		}
		if e.names[m.Index] == nil {
			dst = e.appendMetric(dst, m)
			pre := append([]byte(`{"metric":`), appendString(nil, m.Name)...)
			e.names[m.Index] = append(pre, `,"type":"Point","data":{"time":"`...)
		}
		dst = append(dst, e.names[m.Index]...)
		dst = append(dst, e.head...)
		dst = append(dst, `","value":`...)
		dst = appendFloat(dst, s.Value)
		dst = append(dst, e.tail...)
	}
	return dst
}

func (e *Encoder) appendMetric(dst []byte, m *metrics.Metric) []byte {
	dst = append(dst, `{"type":"Metric","data":{"name":`...)
	dst = appendString(dst, m.Name)
	dst = append(dst, `,"type":`...)
	dst = appendString(dst, m.Type.String())
	dst = append(dst, `,"contains":`...)
	dst = appendString(dst, m.Contains.String())
	dst = append(dst, `,"thresholds":[`...)
	n := 0
	for _, en := range e.Thresholds {
		if en.Name != m.Name {
			continue
		}
		for _, th := range en.Thresholds {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			if !th.AbortOnFail {
				dst = appendString(dst, th.Source)
				continue
			}
			dst = append(dst, `{"threshold":`...)
			dst = appendString(dst, th.Source)
			dst = append(dst, `,"abortOnFail":true,"delayAbortEval":`...)
			dst = appendString(dst, th.DelayAbortEval.String())
			dst = append(dst, '}')
		}
	}
	dst = append(dst, `],"submetrics":`...)
	n = 0
	for _, en := range e.Thresholds {
		if en.Metric != m.Name || en.Suffix == "" {
			continue
		}
		if n == 0 {
			dst = append(dst, '[')
		} else {
			dst = append(dst, ',')
		}
		n++
		dst = append(dst, `{"name":`...)
		dst = appendString(dst, en.Name)
		dst = append(dst, `,"suffix":`...)
		dst = appendString(dst, en.Suffix)
		dst = append(dst, `,"tags":`...)
		dst = appendTags(dst, en.Tags.List())
		dst = append(dst, '}')
	}
	if n == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, ']')
	}
	dst = append(dst, `},"metric":`...)
	dst = appendString(dst, m.Name)
	return append(dst, "}\n"...)
}

var _ output.Output = (*Output)(nil)
