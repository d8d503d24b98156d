package executor

import (
	"fmt"
	"math/big"
	"strings"
)

// Segment is the part (From, To] of the whole test that this instance runs.
// The zero value is the whole test (0:1).
//
// Work is striped over the common denominator L of From and To: global index
// i (0-based) belongs to the segment when From·L ≤ i mod L < To·L. Every
// instance of a contiguous sequence (0, r1, …, 1) sharing that denominator
// gets exactly its share of every L consecutive indices, so the instances'
// counts always sum to the single-instance count. (k6 spreads a segment's
// share with maximal spacing inside the cycle; with unit numerators, such as
// the k6-operator's 0,1/N,…,1, both rules give the same assignment.)
type Segment struct {
	lo, hi, cycle int64 // zero cycle: the whole test
}

// ParseSegment parses --execution-segment "from:to" (or "to", meaning
// 0:to); each side a fraction ("1/3"), decimal ("0.5") or percentage
// ("50%"); "" is 0:1. sequence is --execution-segment-sequence
// ("0,1/4,1/2,1"), or "": every instance must be given the same sequence
// so that they stripe over the same cycle.
func ParseSegment(s, sequence string) (Segment, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Segment{}, nil
	}
	fromS, toS, ok := strings.Cut(s, ":")
	if !ok {
		fromS, toS = "0", s
	}
	from, err := parseRat(fromS)
	if err != nil {
		return Segment{}, fmt.Errorf("execution segment %q: %w", s, err)
	}
	to, err := parseRat(toS)
	if err != nil {
		return Segment{}, fmt.Errorf("execution segment %q: %w", s, err)
	}
	var seq []*big.Rat
	if strings.TrimSpace(sequence) != "" {
		for _, v := range strings.Split(sequence, ",") {
			r, err := parseRat(v)
			if err != nil {
				return Segment{}, fmt.Errorf("execution segment sequence %q: %w", sequence, err)
			}
			seq = append(seq, r)
		}
	}
	return NewSegment(from, to, seq...)
}

// NewSegment returns the segment (from, to]; 0 ≤ from < to ≤ 1. sequence
// holds the boundaries of every instance's segment (from and to among
// them); the stripe cycle is their common denominator.
func NewSegment(from, to *big.Rat, sequence ...*big.Rat) (Segment, error) {
	if from.Sign() < 0 || to.Cmp(big.NewRat(1, 1)) > 0 || from.Cmp(to) >= 0 {
		return Segment{}, fmt.Errorf("segment %s:%s must satisfy 0 ≤ from < to ≤ 1", from.RatString(), to.RatString())
	}
	if len(sequence) > 0 {
		var hasFrom, hasTo bool
		for i, r := range sequence {
			if i > 0 && r.Cmp(sequence[i-1]) <= 0 {
				return Segment{}, fmt.Errorf("segment sequence must be increasing at %s", r.RatString())
			}
			hasFrom = hasFrom || r.Cmp(from) == 0
			hasTo = hasTo || r.Cmp(to) == 0
		}
		if !hasFrom || !hasTo {
			return Segment{}, fmt.Errorf("segment %s:%s is not in the segment sequence", from.RatString(), to.RatString())
		}
	}
	l := big.NewInt(1)
	for _, r := range append([]*big.Rat{from, to}, sequence...) {
		d := r.Denom()
		l.Div(new(big.Int).Mul(l, d), new(big.Int).GCD(nil, nil, l, d))
	}
	if !l.IsInt64() || l.Int64() > 1<<20 {
		return Segment{}, fmt.Errorf("segment %s:%s: denominator too large", from.RatString(), to.RatString())
	}
	lo := new(big.Rat).Mul(from, new(big.Rat).SetInt(l))
	hi := new(big.Rat).Mul(to, new(big.Rat).SetInt(l))
	return Segment{lo: lo.Num().Int64(), hi: hi.Num().Int64(), cycle: l.Int64()}, nil
}

func parseRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	r, ok := new(big.Rat).SetString(strings.TrimSuffix(s, "%"))
	if !ok {
		return nil, fmt.Errorf("invalid value %q", s)
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, nil
}

// Full reports whether s is the whole test.
func (s Segment) Full() bool { return s.cycle == 0 || (s.lo == 0 && s.hi == s.cycle) }

// String returns "from:to" with fractions.
func (s Segment) String() string {
	if s.cycle == 0 {
		return "0:1"
	}
	return big.NewRat(s.lo, s.cycle).RatString() + ":" + big.NewRat(s.hi, s.cycle).RatString()
}

// Owns reports whether global index i (0-based) belongs to this segment.
func (s Segment) Owns(i int64) bool {
	if s.Full() {
		return true
	}
	m := i % s.cycle
	return m >= s.lo && m < s.hi
}

// Scale returns how many of the global indices 0…v−1 belong to this
// segment (the instance's share of v VUs).
func (s Segment) Scale(v int64) int64 {
	if s.Full() || v <= 0 {
		return max(v, 0)
	}
	n := (v / s.cycle) * (s.hi - s.lo)
	rem := v % s.cycle
	return n + min(max(rem-s.lo, 0), s.hi-s.lo)
}

// Fraction returns the segment's length (1 for the whole test).
func (s Segment) Fraction() float64 {
	if s.cycle == 0 {
		return 1
	}
	return float64(s.hi-s.lo) / float64(s.cycle)
}
