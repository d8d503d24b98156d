package llm

import (
	"errors"
	"fmt"
	"strings"
)

// ListGPUs is `llmbench gpu`: it opens the selected GPUs, reads every field
// once and returns one printable line per GPU, and found, the number of GPUs
// listed. When there is none, lines holds the one line saying why and found
// is 0. The error is for an invalid selection only.
func ListGPUs(opts GPUOptions) (lines []string, found int, err error) {
	if opts.Select.None {
		return []string{"GPU metrics off: --gpu none"}, 0, nil
	}
	b, reason, err := openGPUs(opts)
	if err != nil {
		return nil, 0, err
	}
	if reason != "" {
		return []string{reason}, 0, nil
	}
	defer b.close()
	return listLines(b.gpus), len(b.gpus), nil
}

// listLines reads each GPU once and formats one line per GPU.
func listLines(gpus []gpuHandle) []string {
	lines := make([]string, 0, len(gpus))
	for _, h := range gpus {
		var parts []string
		field := func(f gpuField, label string, format func(float64) string) {
			v, err := h.dev.read(f)
			switch {
			case err == nil:
				parts = append(parts, label+" "+format(v))
			case errors.Is(err, errNotSupported):
				parts = append(parts, label+" not supported")
			default:
				parts = append(parts, fmt.Sprintf("%s error (%v)", label, err))
			}
		}
		field(fieldUtil, "utilization", func(v float64) string { return fmt.Sprintf("%.0f%%", v) })
		field(fieldMemory, "memory used", func(v float64) string {
			if h.memoryTotal > 0 {
				return bytesText(v) + " of " + bytesText(float64(h.memoryTotal))
			}
			return bytesText(v)
		})
		field(fieldPower, "power", func(v float64) string { return fmt.Sprintf("%.1f W", v) })
		field(fieldTemperature, "temperature", func(v float64) string { return fmt.Sprintf("%.0f °C", v) })
		field(fieldSMClock, "SM clock", func(v float64) string { return fmt.Sprintf("%.0f MHz", v) })
		field(fieldEnergy, "energy counter", func(v float64) string { return joulesText(v / 1000) })
		lines = append(lines, fmt.Sprintf("GPU %d: %s (%s): %s", h.index, h.name, h.uuid, strings.Join(parts, ", ")))
	}
	return lines
}
