package promrw

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The remote-write 1.0 messages (prompb/remote.proto, types.proto):
//
//	WriteRequest { repeated TimeSeries timeseries = 1; }
//	TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//	Label        { string name = 1; string value = 2; }
//	Sample       { double value = 1; int64 timestamp = 2; }

// staleNaN is Prometheus' stale marker (value.StaleNaN).
var staleNaN = math.Float64frombits(0x7ff0000000000002)

// appendLabel appends one TimeSeries.labels entry.
func appendLabel(dst []byte, name, value string) []byte {
	size := protowire.SizeTag(1) + protowire.SizeBytes(len(name)) + protowire.SizeTag(2) + protowire.SizeBytes(len(value))
	dst = protowire.AppendTag(dst, 1, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(size))
	dst = protowire.AppendTag(dst, 1, protowire.BytesType)
	dst = protowire.AppendString(dst, name)
	dst = protowire.AppendTag(dst, 2, protowire.BytesType)
	return protowire.AppendString(dst, value)
}

// appendSeries appends one WriteRequest.timeseries entry: the encoded
// labels (from appendLabel) and one sample.
func appendSeries(dst, labels []byte, v float64, tsMillis int64) []byte {
	sample := protowire.SizeTag(1) + 8 + protowire.SizeTag(2) + protowire.SizeVarint(uint64(tsMillis))
	size := len(labels) + protowire.SizeTag(2) + protowire.SizeBytes(sample)
	dst = protowire.AppendTag(dst, 1, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(size))
	dst = append(dst, labels...)
	dst = protowire.AppendTag(dst, 2, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(sample))
	dst = protowire.AppendTag(dst, 1, protowire.Fixed64Type)
	dst = protowire.AppendFixed64(dst, math.Float64bits(v))
	dst = protowire.AppendTag(dst, 2, protowire.VarintType)
	return protowire.AppendVarint(dst, uint64(tsMillis))
}
