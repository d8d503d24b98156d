//go:build unix && !linux

package selfhealth

import "runtime"

// maxRSS converts ru_maxrss to bytes: bytes on macOS, kilobytes elsewhere.
func maxRSS(v int64) int64 {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return v
	}
	return v << 10
}
