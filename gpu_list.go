package llm

import (
	"errors"

	"github.com/llmbench/llmbench/internal/gpustat"
)

// ListGPUs is `llmbench gpu`: it opens the selected GPUs and reads every
// field once, one Reading per GPU (internal/summary renders them). With no
// GPU to read, reason says why and readings is empty. The error is for an
// invalid selection only.
func ListGPUs(opts GPUOptions) (readings []gpustat.Reading, reason string, err error) {
	if opts.Select.None {
		return nil, "GPU metrics off: --gpu none", nil
	}
	b, reason, err := openGPUs(opts)
	if err != nil || reason != "" {
		return nil, reason, err
	}
	defer b.close()
	return readGPUs(b.gpus), "", nil
}

// readGPUs reads each field of each GPU once. The total-energy counter is
// given in joules.
func readGPUs(gpus []gpuHandle) []gpustat.Reading {
	out := make([]gpustat.Reading, 0, len(gpus))
	for _, h := range gpus {
		r := gpustat.Reading{Index: h.index, Name: h.name, UUID: h.uuid, MemoryTotalBytes: h.memoryTotal}
		for f := fieldUtil; f < numFields; f++ {
			v, err := h.dev.read(f)
			fr := gpustat.Field{Metric: gpuMetricDefs[f].name, Value: v}
			switch {
			case errors.Is(err, errNotSupported):
				fr.NotSupported = true
			case err != nil:
				fr.Err = err.Error()
			}
			if f == fieldEnergy {
				fr.Value /= 1000 // millijoules
			}
			r.Fields = append(r.Fields, fr)
		}
		out = append(out, r)
	}
	return out
}
