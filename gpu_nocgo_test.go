//go:build !(cgo && linux)

package llm

import "testing"

func TestNoNVMLBuild(t *testing.T) {
	s, reason, err := NewGPUSampler(GPUOptions{})
	if s != nil || err != nil || reason != nvmlOffReason {
		t.Errorf("NewGPUSampler = %v, %q, %v; want nil and %q", s, reason, err, nvmlOffReason)
	}
	lines, found, err := ListGPUs(GPUOptions{})
	if err != nil || found != 0 || len(lines) != 1 || lines[0] != nvmlOffReason {
		t.Errorf("ListGPUs = %q, %d, %v", lines, found, err)
	}
}
