package llm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// GPUSelection says which GPUs to sample. The zero value selects all of them.
type GPUSelection struct {
	// None turns GPU sampling off.
	None bool
	// Indexes are NVML device indexes (nvidia-smi's order, not
	// CUDA_VISIBLE_DEVICES'); empty means every GPU.
	Indexes []int
}

// ParseGPUSelection parses the --gpu flag: "all" (or ""), "none", or a
// comma-separated list of GPU indexes such as "0,1".
func ParseGPUSelection(s string) (GPUSelection, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "all":
		return GPUSelection{}, nil
	case "none", "off", "false":
		return GPUSelection{None: true}, nil
	}
	var sel GPUSelection
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || i < 0 {
			return GPUSelection{}, fmt.Errorf("invalid --gpu value %q: want all, none or a comma-separated list of GPU indexes such as 0,1", s)
		}
		if !seen[i] {
			seen[i] = true
			sel.Indexes = append(sel.Indexes, i)
		}
	}
	sort.Ints(sel.Indexes)
	return sel, nil
}

// String returns the selection in ParseGPUSelection's syntax.
func (s GPUSelection) String() string {
	switch {
	case s.None:
		return "none"
	case len(s.Indexes) == 0:
		return "all"
	}
	parts := make([]string, len(s.Indexes))
	for i, x := range s.Indexes {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}
