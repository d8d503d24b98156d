package threshold

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
)

// operators in k6's scanning order: the first one found with a non-empty
// right side wins.
var operators = [...]string{"<=", "<", ">=", ">", "===", "==", "!="}

// ParseExpr parses an assertion "aggregation operator number", for example
// "p(95) < 200". It returns the aggregation ("count", "rate", "value", "avg",
// "min", "max", "med" or "p(N)" as written), the operator and the number.
func ParseExpr(src string) (agg, op string, value float64, err error) {
	var lhs, rhs string
	found := false
	for _, o := range operators {
		l, r, ok := strings.Cut(src, o)
		if ok && r != "" {
			lhs, rhs, op, found = l, r, o, true
			break
		}
	}
	if !found {
		return "", "", 0, fmt.Errorf("failed parsing threshold expression %q: malformed expression, no valid comparison operator found", src)
	}
	agg = strings.TrimSpace(lhs)
	rhs = strings.TrimSpace(rhs)
	value, perr := strconv.ParseFloat(rhs, 64)
	if perr != nil {
		return "", "", 0, fmt.Errorf("failed parsing threshold expression %q: %q is not a valid number", src, rhs)
	}
	if err := checkAgg(agg); err != nil {
		return "", "", 0, fmt.Errorf("failed parsing threshold expression %q: %w", src, err)
	}
	return agg, op, value, nil
}

func checkAgg(agg string) error {
	switch agg {
	case "count", "rate", "value", "avg", "min", "max", "med":
		return nil
	}
	if strings.HasPrefix(agg, "p(") && strings.HasSuffix(agg, ")") {
		if _, err := strconv.ParseFloat(strings.TrimSpace(agg[2:len(agg)-1]), 64); err != nil {
			return fmt.Errorf("malformed percentile aggregation %q", agg)
		}
		if _, _, err := metrics.ParsePercentile(agg); err != nil {
			return err
		}
		return nil
	}
	return fmt.Errorf("unsupported aggregation method %q", agg)
}

// Compare reports whether v op threshold holds ("==" and "===" are the same).
func Compare(v float64, op string, threshold float64) bool {
	switch op {
	case "<":
		return v < threshold
	case "<=":
		return v <= threshold
	case ">":
		return v > threshold
	case ">=":
		return v >= threshold
	case "==", "===":
		return v == threshold
	case "!=":
		return v != threshold
	}
	return false
}

// supported lists the aggregations each metric type allows, in k6's order.
var supported = map[metrics.Type][]string{
	metrics.Counter: {"count", "rate"},
	metrics.Gauge:   {"value"},
	metrics.Rate:    {"rate"},
	metrics.Trend:   {"avg", "min", "max", "med", "p(N)"},
}

// Supports reports whether a metric of type t can be aggregated with agg.
func Supports(t metrics.Type, agg string) bool {
	if t == metrics.Trend && strings.HasPrefix(agg, "p(") {
		return true
	}
	for _, a := range supported[t] {
		if a == agg {
			return true
		}
	}
	return false
}

// SupportedList returns the aggregations allowed for t, joined for messages.
func SupportedList(t metrics.Type) string { return strings.Join(supported[t], ", ") }
