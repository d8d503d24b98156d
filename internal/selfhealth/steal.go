package selfhealth

import (
	"bytes"
	"os"
	"strconv"
)

// StealLimit is the share of the machine's CPU time taken by the
// hypervisor (steal) above which the generator counts as saturated: a VM
// whose vCPUs are descheduled that often stalls every timestamp it takes,
// and no client-side clock can tell.
const StealLimit = 0.10

// cpuTicks reads the machine's total and steal CPU time (jiffies, all
// CPUs) from /proc/stat; ok is false where there is none.
func cpuTicks() (total, steal uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, 0, false
	}
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += n
		if i == 7 { // user nice system idle iowait irq softirq steal …
			steal = n
		}
	}
	return total, steal, true
}

// stealShare is the share of CPU time stolen between two readings.
func stealShare(from, to reading) float64 {
	if !from.ticksOK || !to.ticksOK || to.totalTicks <= from.totalTicks {
		return 0
	}
	return float64(to.stealTicks-min(to.stealTicks, from.stealTicks)) / float64(to.totalTicks-from.totalTicks)
}
