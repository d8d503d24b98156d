package csv

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

// Output writes samples as k6's CSV rows.
type Output struct {
	params output.Params
	cfg    Config

	buf     output.BatchBuffer
	flusher *output.Flusher

	mu    sync.Mutex // guards the rest (flusher goroutine and Stop)
	file  *output.File
	enc   *Encoder
	line  []byte
	spare []metrics.Batch
	err   error
}

// New returns a csv output configured from p (see ParseConfig).
func New(p output.Params) (*Output, error) {
	cfg, err := ParseConfig(p)
	if err != nil {
		return nil, err
	}
	return &Output{params: p, cfg: cfg, enc: NewEncoder(p.SystemTags, cfg.TimeFormat)}, nil
}

// Description implements output.Output.
func (o *Output) Description() string { return fmt.Sprintf("csv (%s)", o.cfg.FileName) }

// Start opens the file, writes the header and starts the periodic flush.
func (o *Output) Start(context.Context) error {
	f, err := output.OpenFile(o.params, o.cfg.FileName)
	if err != nil {
		return fmt.Errorf("csv output: %w", err)
	}
	o.file = f
	if _, err := f.Write(o.enc.AppendHeader(nil)); err != nil {
		return fmt.Errorf("csv output: writing header: %w", err)
	}
	o.flusher = output.NewFlusher(o.cfg.SaveInterval, o.flush)
	return nil
}

// AddBatches buffers bs; it never blocks on IO.
func (o *Output) AddBatches(bs []metrics.Batch) { o.buf.Add(bs) }

func (o *Output) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	batches := o.buf.Swap(o.spare)
	for i := range batches {
		o.line = o.enc.AppendBatch(o.line[:0], &batches[i])
		if _, err := o.file.Write(o.line); err != nil && o.err == nil {
			output.Lost(o.params, &o.err, fmt.Errorf("csv output: writing %s: %w", o.file.Name(), err))
		}
	}
	o.spare = batches
	if err := o.file.Sync(); err != nil && o.err == nil {
		output.Lost(o.params, &o.err, fmt.Errorf("csv output: %w", err))
	}
}

// Stop writes everything still buffered and closes the file, also when
// the run was aborted.
func (o *Output) Stop(error) error {
	if o.flusher == nil {
		return nil
	}
	o.flusher.Stop()
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.file.Close(); err != nil && o.err == nil {
		o.err = fmt.Errorf("csv output: %w", err)
	}
	return o.err
}

// nonIndexable system tags are metadata, never columns.
var nonIndexable = map[string]bool{"vu": true, "iter": true}

// Encoder appends CSV rows. It is not safe for concurrent use.
type Encoder struct {
	columns    []string // system-tag columns, sorted
	format     TimeFormat
	head, tail []byte // per batch: ",time," and everything after the value
}

// NewEncoder returns an encoder with one column per indexable tag of
// systemTags (nil: output.DefaultSystemTags), sorted.
func NewEncoder(systemTags []string, format TimeFormat) *Encoder {
	if systemTags == nil {
		systemTags = output.DefaultSystemTags
	}
	var cols []string
	for _, t := range systemTags {
		if !nonIndexable[t] && !slices.Contains(cols, t) {
			cols = append(cols, t)
		}
	}
	slices.Sort(cols)
	return &Encoder{columns: cols, format: format}
}

// AppendHeader appends the header row.
func (e *Encoder) AppendHeader(dst []byte) []byte {
	dst = append(dst, "metric_name,timestamp,metric_value"...)
	for _, c := range e.columns {
		dst = append(dst, ',')
		dst = appendField(dst, c)
	}
	return append(dst, ",extra_tags,metadata\n"...)
}

// AppendBatch appends one row per sample of b. The timestamp and the
// columns after the value are the same for the whole batch: they are
// encoded once.
func (e *Encoder) AppendBatch(dst []byte, b *metrics.Batch) []byte {
	e.head = append(e.head[:0], ',')
	e.head = e.appendTime(e.head, b.Time)
	e.head = append(e.head, ',')
	tail := e.tail[:0]
	tags := b.Tags.List()
	// Both lists are sorted: walk them together.
	i := 0
	for _, col := range e.columns {
		tail = append(tail, ',')
		for i < len(tags) && tags[i].Key < col {
			i++
		}
		if i < len(tags) && tags[i].Key == col {
			tail = appendField(tail, tags[i].Value)
		}
	}
	tail = append(tail, ',')
	tail = e.appendExtra(tail, tags)
	tail = append(tail, ',')
	tail = appendMeta(tail, b.Metadata)
	e.tail = append(tail, '\n')
	for _, s := range b.Samples {
		dst = append(dst, s.Metric.Name...) // metric names never need quoting
		dst = append(dst, e.head...)
		dst = strconv.AppendFloat(dst, s.Value, 'f', 6, 64)
		dst = append(dst, e.tail...)
	}
	return dst
}

func (e *Encoder) appendTime(dst []byte, t time.Time) []byte {
	switch e.format {
	case UnixMilli:
		return strconv.AppendInt(dst, t.UnixMilli(), 10)
	case UnixMicro:
		return strconv.AppendInt(dst, t.UnixMicro(), 10)
	case UnixNano:
		return strconv.AppendInt(dst, t.UnixNano(), 10)
	case RFC3339:
		return t.AppendFormat(dst, time.RFC3339) // never needs quotes
	case RFC3339Nano:
		return t.AppendFormat(dst, time.RFC3339Nano)
	default:
		return strconv.AppendInt(dst, t.Unix(), 10)
	}
}

var _ output.Output = (*Output)(nil)
