//go:build unix

package selfhealth

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) the process has used so
// far and its peak resident set size in bytes (0 when unknown).
func processCPU() (time.Duration, int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuFromRuntime(), 0
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu, maxRSS(int64(ru.Maxrss))
}
