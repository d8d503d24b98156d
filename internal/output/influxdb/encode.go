package influxdb

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/llmbench/llmbench/internal/metrics"
)

// precisionOf maps k6's precision option to the encoder's and the /write
// query's spelling.
func precisionOf(s string) (lineprotocol.Precision, error) {
	switch s {
	case "", "n", "ns":
		return lineprotocol.Nanosecond, nil
	case "u", "us", "µs":
		return lineprotocol.Microsecond, nil
	case "ms":
		return lineprotocol.Millisecond, nil
	case "s":
		return lineprotocol.Second, nil
	}
	return 0, fmt.Errorf("influxdb output: unsupported precision %q (ns, us, ms, s)", s)
}

func precisionParam(p lineprotocol.Precision) string {
	return [...]string{"ns", "u", "ms", "s"}[p]
}

// Encoder turns batches into line protocol: measurement = metric name,
// tags = the sample's tags with non-empty values except those written as
// fields, fields = value plus the tags-as-fields present. Metadata is never
// written. It is not safe for concurrent use.
//
// The tags and extra fields are the same for every sample of a batch, so
// they are encoded once per batch (by the line-protocol encoder, which
// escapes and validates them) and copied into each line.
type Encoder struct {
	buf     []byte
	scratch lineprotocol.Encoder
	fields  map[string]FieldType
	lines   int
	err     error
	div     int64    // nanoseconds per step
	seen    []int32  // per metric index: samples so far in this batch
	names   [][]byte // per metric index: the escaped measurement
	tags    []byte   // this batch: ",k=v,k2=v2"
	extra   []byte   // this batch: ",url=\"…\""
}

// NewEncoder returns an encoder with the given tags-as-fields and precision.
func NewEncoder(tagsAsFields map[string]FieldType, p lineprotocol.Precision) *Encoder {
	return &Encoder{fields: tagsAsFields, div: int64(p.Duration())}
}

// Reset starts a new body in buf (whose contents are discarded).
func (e *Encoder) Reset(buf []byte) {
	e.buf = buf[:0]
	e.err = nil
	e.lines = 0
}

// Bytes returns the body so far.
func (e *Encoder) Bytes() []byte { return e.buf }

// Lines returns the number of points encoded since Reset.
func (e *Encoder) Lines() int { return e.lines }

// Err returns the first batch or point that could not be encoded (it was
// skipped) since Reset.
func (e *Encoder) Err() error { return e.err }

// measurement returns m's escaped name.
func (e *Encoder) measurement(m *metrics.Metric) []byte {
	if m.Index >= len(e.names) {
		e.names = append(e.names, make([][]byte, m.Index+1-len(e.names))...)
	}
	if e.names[m.Index] == nil {
		e.scratch.Reset()
		e.scratch.ClearErr()
		e.scratch.StartLine(m.Name)
		e.names[m.Index] = append([]byte(nil), e.scratch.Bytes()...)
	}
	return e.names[m.Index]
}

// prepare encodes the batch's tags and extra fields with the line-protocol
// encoder: a line "m<tags> value=0<extra>\n" is cut into its parts.
func (e *Encoder) prepare(b *metrics.Batch) error {
	e.scratch.Reset()
	e.scratch.ClearErr()
	e.scratch.StartLine("m")
	tags := b.Tags.List()
	for _, t := range tags {
		if t.Value == "" {
			continue // InfluxDB drops tags with empty values
		}
		if _, asField := e.fields[t.Key]; asField {
			continue
		}
		e.scratch.AddTag(t.Key, t.Value)
	}
	tagsEnd := len(e.scratch.Bytes())
	e.scratch.AddField("value", lineprotocol.IntValue(0))
	valueEnd := len(e.scratch.Bytes())
	for _, t := range tags {
		if ft, asField := e.fields[t.Key]; asField {
			e.scratch.AddField(t.Key, fieldValue(ft, t.Value))
		}
	}
	e.scratch.EndLine(time.Time{})
	if err := e.scratch.Err(); err != nil {
		return err
	}
	line := e.scratch.Bytes()
	e.tags = append(e.tags[:0], line[1:tagsEnd]...)
	e.extra = append(e.extra[:0], line[valueEnd:len(line)-1]...)
	return nil
}

// Add encodes the samples of b; a sample with a non-finite value is
// skipped, and so is a batch whose tags cannot be encoded.
//
// InfluxDB keeps one point per measurement, tag set and timestamp, so the
// n-th repeat of a metric in one batch (one llm_itl per token gap) is
// written n precision steps (nanoseconds by default) after the batch time.
func (e *Encoder) Add(b *metrics.Batch) {
	if err := e.prepare(b); err != nil {
		if e.err == nil {
			e.err = err
		}
		return
	}
	for _, s := range b.Samples {
		if s.Metric.Index >= len(e.seen) {
			e.seen = append(e.seen, make([]int32, s.Metric.Index+1-len(e.seen))...)
		}
		e.seen[s.Metric.Index] = 0
	}
	ts := b.Time.UnixNano() / e.div
	for _, s := range b.Samples {
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			continue
		}
		n := e.seen[s.Metric.Index]
		e.seen[s.Metric.Index]++
		e.buf = append(e.buf, e.measurement(s.Metric)...)
		e.buf = append(e.buf, e.tags...)
		e.buf = append(e.buf, " value="...)
		e.buf = strconv.AppendFloat(e.buf, s.Value, 'g', -1, 64)
		e.buf = append(e.buf, e.extra...)
		e.buf = append(e.buf, ' ')
		e.buf = strconv.AppendInt(e.buf, ts+int64(n), 10)
		e.buf = append(e.buf, '\n')
		e.lines++
	}
}

// fieldValue converts a tag value to its declared type, falling back to a
// string as k6 does.
func fieldValue(ft FieldType, s string) lineprotocol.Value {
	switch ft {
	case Int:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return lineprotocol.IntValue(i)
		}
	case Float:
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			if v, ok := lineprotocol.FloatValue(f); ok {
				return v
			}
		}
	case Bool:
		if b, err := strconv.ParseBool(s); err == nil {
			return lineprotocol.BoolValue(b)
		}
	}
	// Zero-copy: the encoder only reads the bytes while appending them.
	v, err := lineprotocol.NewValueFromBytes(lineprotocol.String, unsafe.Slice(unsafe.StringData(s), len(s)))
	if err != nil {
		v, _ = lineprotocol.StringValue("")
	}
	return v
}
