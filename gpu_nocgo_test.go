//go:build !(cgo && linux)

package llm

import "testing"

func TestNoNVMLBuild(t *testing.T) {
	s, reason, err := NewGPUSampler(GPUOptions{})
	if s != nil || err != nil || reason != nvmlOffReason {
		t.Errorf("NewGPUSampler = %v, %q, %v; want nil and %q", s, reason, err, nvmlOffReason)
	}
	readings, reason, err := ListGPUs(GPUOptions{})
	if err != nil || len(readings) != 0 || reason != nvmlOffReason {
		t.Errorf("ListGPUs = %v, %q, %v", readings, reason, err)
	}
}
