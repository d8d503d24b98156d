//go:build linux

package selfhealth

// maxRSS converts ru_maxrss (kilobytes on Linux) to bytes.
func maxRSS(v int64) int64 { return v << 10 }
