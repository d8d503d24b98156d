package promrw

import (
	"math"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// Native histograms (K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM): each
// Trend series becomes one cumulative Prometheus native histogram with
// exponential buckets of schema 3 (growth factor 2^(1/8) ≈ 1.09, the
// largest schema whose factor is at most k6's 1.1). Unlike per-instance
// percentile gauges, such histograms add up inside Prometheus, so
// histogram_quantile over the sum of N instances is the true quantile of
// all their samples (within the bucket width).

// nativeSchema is the buckets' resolution: bucket i holds (b^(i−1), b^i]
// with b = 2^(2^−nativeSchema).
const nativeSchema = 3

// nativeZeroThreshold is client_golang's default zero bucket width
// (2^−128): values with a smaller magnitude count as zero.
const nativeZeroThreshold = 2.938735877055719e-39

// nativeHist is a cumulative native histogram.
type nativeHist struct {
	count, zero uint64
	sum         float64
	pos, neg    map[int32]uint64
}

func newNativeHist() *nativeHist {
	return &nativeHist{pos: map[int32]uint64{}, neg: map[int32]uint64{}}
}

// bucketIndex returns the index of the bucket holding v > 0:
// ⌈log_b(v)⌉, computed from v's binary exponent so that the powers of b
// fall exactly on bucket bounds.
func bucketIndex(v float64) int32 {
	frac, exp := math.Frexp(v) // v = frac·2^exp, frac in [0.5, 1)
	if frac == 0.5 {
		return int32((exp - 1) << nativeSchema)
	}
	return int32(exp<<nativeSchema) + int32(math.Ceil(math.Log2(frac)*(1<<nativeSchema)))
}

func (h *nativeHist) add(v float64) {
	if math.IsNaN(v) {
		return
	}
	h.count++
	h.sum += v
	switch {
	case math.Abs(v) <= nativeZeroThreshold:
		h.zero++
	case v > 0:
		h.pos[bucketIndex(v)]++
	default:
		h.neg[bucketIndex(-v)]++
	}
}

// appendSpans appends the spans and delta-encoded counts of buckets
// (index → count) as fields spanField and deltaField.
func appendBuckets(dst []byte, buckets map[int32]uint64, spanField, deltaField protowire.Number) []byte {
	if len(buckets) == 0 {
		return dst
	}
	idx := make([]int32, 0, len(buckets))
	for i := range buckets {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	// Spans: runs of consecutive indices; a span's offset is the gap after
	// the previous span (the first span's, its start index).
	type span struct {
		offset int32
		length uint32
	}
	var spans []span
	var end int32 // the index after the previous span's last bucket
	for k, i := range idx {
		if k > 0 && i == idx[k-1]+1 {
			spans[len(spans)-1].length++
		} else if k == 0 {
			spans = append(spans, span{offset: i, length: 1})
		} else {
			spans = append(spans, span{offset: i - end, length: 1})
		}
		end = i + 1
	}
	for _, s := range spans {
		body := protowire.AppendTag(nil, 1, protowire.VarintType)
		body = protowire.AppendVarint(body, protowire.EncodeZigZag(int64(s.offset)))
		body = protowire.AppendTag(body, 2, protowire.VarintType)
		body = protowire.AppendVarint(body, uint64(s.length))
		dst = protowire.AppendTag(dst, spanField, protowire.BytesType)
		dst = protowire.AppendBytes(dst, body)
	}
	var packed []byte
	var prev int64
	for _, i := range idx {
		c := int64(buckets[i])
		packed = protowire.AppendVarint(packed, protowire.EncodeZigZag(c-prev))
		prev = c
	}
	dst = protowire.AppendTag(dst, deltaField, protowire.BytesType)
	return protowire.AppendBytes(dst, packed)
}

// appendHistogram appends one prompb.Histogram (remote-write 1.0):
// count_int 1, sum 3, schema 4, zero_threshold 5, zero_count_int 6,
// negative_spans 8, negative_deltas 9, positive_spans 11,
// positive_deltas 12, reset_hint 14, timestamp 15.
func (h *nativeHist) appendHistogram(dst []byte, tsMillis int64) []byte {
	dst = protowire.AppendTag(dst, 1, protowire.VarintType)
	dst = protowire.AppendVarint(dst, h.count)
	dst = protowire.AppendTag(dst, 3, protowire.Fixed64Type)
	dst = protowire.AppendFixed64(dst, math.Float64bits(h.sum))
	dst = protowire.AppendTag(dst, 4, protowire.VarintType)
	dst = protowire.AppendVarint(dst, protowire.EncodeZigZag(nativeSchema))
	dst = protowire.AppendTag(dst, 5, protowire.Fixed64Type)
	dst = protowire.AppendFixed64(dst, math.Float64bits(nativeZeroThreshold))
	dst = protowire.AppendTag(dst, 6, protowire.VarintType)
	dst = protowire.AppendVarint(dst, h.zero)
	dst = appendBuckets(dst, h.neg, 8, 9)
	dst = appendBuckets(dst, h.pos, 11, 12)
	dst = protowire.AppendTag(dst, 14, protowire.VarintType)
	dst = protowire.AppendVarint(dst, 2) // NO: cumulative since the test start, never reset
	dst = protowire.AppendTag(dst, 15, protowire.VarintType)
	return protowire.AppendVarint(dst, uint64(tsMillis))
}

// appendHistogramSeries appends one WriteRequest.timeseries entry with the
// labels and one histogram (TimeSeries.histograms = 4).
func appendHistogramSeries(dst, labels []byte, h *nativeHist, tsMillis int64) []byte {
	hist := h.appendHistogram(nil, tsMillis)
	size := len(labels) + protowire.SizeTag(4) + protowire.SizeBytes(len(hist))
	dst = protowire.AppendTag(dst, 1, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(size))
	dst = append(dst, labels...)
	dst = protowire.AppendTag(dst, 4, protowire.BytesType)
	return protowire.AppendBytes(dst, hist)
}
