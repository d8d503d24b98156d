//go:build !unix

package selfhealth

import "time"

// processCPU returns the Go runtime's estimate of the CPU time the process
// used; the peak RSS is unknown (0).
func processCPU() (time.Duration, int64) { return cpuFromRuntime(), 0 }
