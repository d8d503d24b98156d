package summary

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultTrendStats are k6's default summaryTrendStats.
var DefaultTrendStats = []string{"avg", "min", "med", "max", "p(90)", "p(95)"}

// humanize formats one value of a metric as k6's humanizeValue does.
func humanize(v float64, m *metrics.Metric, timeUnit string) string {
	switch {
	case m.Type == metrics.Rate:
		return strconv.FormatFloat(math.Trunc(v*10000)/100, 'f', 2, 64) + "%"
	case m.Contains == metrics.Data:
		return humanizeBytes(v)
	case m.Contains == metrics.Time:
		return humanizeDuration(v, timeUnit)
	default:
		return fixedNoZeros(v, 6)
	}
}

// jsNumber formats v as JavaScript's Number#toString does for ordinary
// magnitudes.
func jsNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// toFixed formats v with prec decimals as JavaScript's Number#toFixed does:
// an exact tie rounds away from zero (Go rounds it to even).
func toFixed(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	exact := new(big.Float).SetFloat64(v).Text('f', 1100)
	dot := strings.IndexByte(exact, '.')
	if dot < 0 || dot+1+prec >= len(exact) {
		return s
	}
	rest := exact[dot+1+prec:]
	if rest[0] != '5' || strings.TrimRight(rest[1:], "0") != "" {
		return s
	}
	step := math.Pow(10, -float64(prec))
	return strconv.FormatFloat(math.Trunc(v*math.Pow(10, float64(prec)))/math.Pow(10, float64(prec))+math.Copysign(step, v), 'f', prec, 64)
}

// fixedNoZeros is toFixed(prec) with trailing zeros (and dot) removed.
func fixedNoZeros(v float64, prec int) string {
	s := toFixed(v, prec)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// fixedNoZerosTrunc truncates v to prec decimals, then formats it without
// trailing zeros.
func fixedNoZerosTrunc(v float64, prec int) string {
	mult := math.Pow(10, float64(prec))
	return fixedNoZeros(math.Trunc(mult*v)/mult, prec)
}

var byteUnits = []string{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}

func humanizeBytes(b float64) string {
	if b < 10 {
		return jsNumber(b) + " B"
	}
	e := int(math.Floor(math.Log(b) / math.Log(1000)))
	if e >= len(byteUnits) {
		e = len(byteUnits) - 1
	}
	val := math.Floor(b/math.Pow(1000, float64(e))*10+0.5) / 10
	prec := 0
	if val < 10 {
		prec = 1
	}
	return toFixed(val, prec) + " " + byteUnits[e]
}

var timeUnits = map[string]struct {
	coef float64
	unit string
}{"s": {0.001, "s"}, "ms": {1, "ms"}, "us": {1000, "µs"}}

// humanizeDuration formats milliseconds, in a fixed unit or k6's auto form.
func humanizeDuration(ms float64, timeUnit string) string {
	if u, ok := timeUnits[timeUnit]; ok {
		return toFixed(ms*u.coef, 2) + u.unit
	}
	switch {
	case ms == 0:
		return "0s"
	case ms < 0.001:
		return strconv.FormatFloat(math.Trunc(ms*1e6), 'f', 0, 64) + "ns"
	case ms < 1:
		return fixedNoZerosTrunc(ms*1000, 2) + "µs"
	case ms < 1000:
		return fixedNoZerosTrunc(ms, 2) + "ms"
	}
	prec := 2
	if ms > 60000 {
		prec = 0
	}
	out := fixedNoZerosTrunc(math.Mod(ms, 60000)/1000, prec) + "s"
	rem := math.Trunc(ms / 60000)
	if rem < 1 {
		return out
	}
	out = jsNumber(math.Mod(rem, 60)) + "m" + out
	rem = math.Trunc(rem / 60)
	if rem < 1 {
		return out
	}
	return jsNumber(rem) + "h" + out
}
