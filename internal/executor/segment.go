package executor

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
)

// maxCycle bounds a sequence's stripe cycle (the LCM of its segments'
// length denominators): the striping keeps one entry per cycle element.
const maxCycle = 1 << 22

// Segment is this instance's part of a test split over a sequence of
// segments, as k6's execution tuple (reference k6-operator.md §5): the
// sequence (p0, p1], (p1, p2], … covering (0, 1], and the index of this
// instance's segment in it. The zero value is the whole test (0:1).
//
// Global indices (VU numbers, iteration numbers, arrival numbers; 0-based)
// are striped over the sequence: with L the LCM of the denominators of the
// segments' lengths, segment j owns length_j·L of every L consecutive
// indices, spread as evenly as k6 spreads them (largest segments first).
// Scale, Owns and Global answer for this instance's segment; the answers
// of all the instances of one sequence add up to a single run's.
//
// Applying a Segment to an executor (what every executor does in New):
//   - VU counts are Scale(v) (the instance's share of v VUs);
//   - work shared by a VU count (shared-iterations' iterations, the
//     arrival-rate executors' arrivals) is split by the tuple re-segmented by
//     that count, Resegment(vus or maxVUs): iterations Scale(n), arrival k
//     runs here when Owns(k);
//   - exec.scenario.iterationInTest of the local iteration i (0-based) is
//     Global(i) of the tuple that split the work (the re-segmented one, or
//     the original), and exec.vu.idInTest of local VU u is Global(u−1)+1 of
//     the original tuple.
type Segment struct {
	t *tuple // nil: the whole test
}

// tuple is a filled sequence, the instance's index in it, and the striping.
type tuple struct {
	bounds []*big.Rat // p0 = 0 < p1 < … < pn = 1
	index  int        // this segment is (bounds[index], bounds[index+1]]
	cycle  int64      // L
	owned  [][]int64  // owned[j]: segment j's residues in [0, L), ascending
}

// ParseSegment parses --execution-segment and --execution-segment-sequence.
// The segment is "from:to", or "to" meaning 0:to; the sequence is
// "p0,p1,…,pn" (at least two increasing points). Every value is a fraction
// ("1/3", not necessarily reduced), a decimal ("0.25") or an integer
// percentage ("25%"). An empty segment is 0:1; an empty sequence is filled
// around the segment (0:from, from:to, to:1). With a sequence the segment
// must be one of its members.
func ParseSegment(segment, sequence string) (Segment, error) {
	segment, sequence = strings.TrimSpace(segment), strings.TrimSpace(sequence)
	from, to := new(big.Rat), big.NewRat(1, 1)
	if segment != "" {
		fromS, toS, ok := strings.Cut(segment, ":")
		if !ok {
			fromS, toS = "0", segment
		}
		var err error
		if from, err = parseRat(fromS); err != nil {
			return Segment{}, fmt.Errorf("execution segment %q: %w", segment, err)
		}
		if to, err = parseRat(toS); err != nil {
			return Segment{}, fmt.Errorf("execution segment %q: %w", segment, err)
		}
	}
	var seq []*big.Rat
	if sequence != "" {
		for _, v := range strings.Split(sequence, ",") {
			r, err := parseRat(v)
			if err != nil {
				return Segment{}, fmt.Errorf("execution segment sequence %q: %w", sequence, err)
			}
			seq = append(seq, r)
		}
		if len(seq) < 2 {
			return Segment{}, fmt.Errorf("execution segment sequence %q: it needs at least two points", sequence)
		}
	}
	s, err := NewSegment(from, to, seq...)
	if err != nil {
		return Segment{}, fmt.Errorf("execution segment %q, sequence %q: %w", segment, sequence, err)
	}
	return s, nil
}

// NewSegment returns the segment (from, to] of the sequence whose points
// are sequence (from and to among them), or of the sequence filled around
// it when sequence is empty; 0 ≤ from < to ≤ 1.
func NewSegment(from, to *big.Rat, sequence ...*big.Rat) (Segment, error) {
	zero, one := new(big.Rat), big.NewRat(1, 1)
	if from.Sign() < 0 || to.Cmp(one) > 0 || from.Cmp(to) >= 0 {
		return Segment{}, fmt.Errorf("segment %s:%s must satisfy 0 ≤ from < to ≤ 1", from.RatString(), to.RatString())
	}
	if len(sequence) == 0 {
		sequence = []*big.Rat{from, to}
	}
	for i, r := range sequence {
		if r.Sign() < 0 || r.Cmp(one) > 0 {
			return Segment{}, fmt.Errorf("segment sequence point %s is outside [0, 1]", r.RatString())
		}
		if i > 0 && r.Cmp(sequence[i-1]) <= 0 {
			return Segment{}, fmt.Errorf("segment sequence points must increase: %s follows %s", r.RatString(), sequence[i-1].RatString())
		}
	}
	// Fill the gaps before the first point and after the last.
	var bounds []*big.Rat
	if sequence[0].Sign() > 0 {
		bounds = append(bounds, zero)
	}
	bounds = append(bounds, sequence...)
	if sequence[len(sequence)-1].Cmp(one) < 0 {
		bounds = append(bounds, one)
	}
	index := -1
	for i := range len(bounds) - 1 {
		if bounds[i].Cmp(from) == 0 && bounds[i+1].Cmp(to) == 0 {
			index = i
		}
	}
	if index < 0 {
		return Segment{}, fmt.Errorf("segment %s:%s is not a member of the segment sequence", from.RatString(), to.RatString())
	}
	if len(bounds) == 2 {
		return Segment{}, nil // 0:1 alone
	}
	t, err := newTuple(bounds, index)
	if err != nil {
		return Segment{}, err
	}
	return Segment{t: t}, nil
}

// newTuple stripes the sequence bounds (reference §5, "Striping"): with n_j
// = length_j·L, the segments sorted by n_j (largest first, stable) take the
// indices 0…L−1 in turn: index i goes to the first segment s, in that
// order, whose count so far c_s satisfies i ≥ ⌈c_s·L/n_s⌉.
func newTuple(bounds []*big.Rat, index int) (*tuple, error) {
	segs := len(bounds) - 1
	lengths := make([]*big.Rat, segs)
	l := big.NewInt(1)
	for j := range segs {
		lengths[j] = new(big.Rat).Sub(bounds[j+1], bounds[j])
		d := lengths[j].Denom()
		l.Div(new(big.Int).Mul(l, d), new(big.Int).GCD(nil, nil, l, d))
		if !l.IsInt64() || l.Int64() > maxCycle {
			return nil, fmt.Errorf("segment sequence: the common denominator of the segment lengths exceeds %d", maxCycle)
		}
	}
	cycle := l.Int64()
	n := make([]int64, segs)
	for j, ln := range lengths {
		n[j] = new(big.Rat).Mul(ln, new(big.Rat).SetInt64(cycle)).Num().Int64()
	}
	order := make([]int, segs)
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(n[b], n[a]) })
	owned := make([][]int64, segs)
	for i := range cycle {
		taken := false
		for _, s := range order {
			c := int64(len(owned[s]))
			if c < n[s] && i >= (c*cycle+n[s]-1)/n[s] {
				owned[s] = append(owned[s], i)
				taken = true
				break
			}
		}
		if !taken {
			return nil, errors.New("segment sequence: striping left an index unassigned")
		}
	}
	return &tuple{bounds: bounds, index: index, cycle: cycle, owned: owned}, nil
}

func parseRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	num := strings.TrimSuffix(s, "%")
	if pct && strings.ContainsAny(num, "./") {
		return nil, fmt.Errorf("invalid value %q: a percentage must be an integer", s)
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok || num == "" {
		return nil, fmt.Errorf("invalid value %q: want a fraction (1/3), a decimal (0.25) or a percentage (25%%)", s)
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, nil
}

// Full reports whether s is the whole test.
func (s Segment) Full() bool { return s.t == nil }

// String returns "from:to" with fractions.
func (s Segment) String() string {
	if s.t == nil {
		return "0:1"
	}
	return s.t.bounds[s.t.index].RatString() + ":" + s.t.bounds[s.t.index+1].RatString()
}

// Sequence returns the filled sequence, e.g. "0,1/3,2/3,1".
func (s Segment) Sequence() string {
	if s.t == nil {
		return "0,1"
	}
	parts := make([]string, len(s.t.bounds))
	for i, b := range s.t.bounds {
		parts[i] = b.RatString()
	}
	return strings.Join(parts, ",")
}

// Owns reports whether global index i (0-based) belongs to this segment.
func (s Segment) Owns(i int64) bool {
	if s.t == nil {
		return true
	}
	own := s.t.owned[s.t.index]
	m := i % s.t.cycle
	k := sort.Search(len(own), func(k int) bool { return own[k] >= m })
	return k < len(own) && own[k] == m
}

// Scale returns how many of the global indices 0…v−1 belong to this
// segment (k6's ScaleInt64): the instance's share of v VUs. The shares of
// a sequence's segments add up to v and never shrink as v grows.
func (s Segment) Scale(v int64) int64 {
	if v <= 0 {
		return 0
	}
	if s.t == nil {
		return v
	}
	return s.t.scale(s.t.index, v)
}

func (t *tuple) scale(j int, v int64) int64 {
	own := t.owned[j]
	m := v % t.cycle
	return v/t.cycle*int64(len(own)) + int64(sort.Search(len(own), func(k int) bool { return own[k] >= m }))
}

// Global returns the global index (0-based) of this segment's local index
// k (0-based): its k-th owned index. On the whole test it is k.
func (s Segment) Global(k int64) int64 {
	if s.t == nil || k < 0 {
		return k
	}
	own := s.t.owned[s.t.index]
	n := int64(len(own))
	return k/n*s.t.cycle + own[k%n]
}

// Resegment returns the tuple re-derived from the split of v (k6's
// GetNewExecutionTupleFromValue): unchanged when L divides v, else the
// sequence whose segment j has length Scale_j(v)/v, segments with no share
// dropped. ok is false when this instance's share of v is 0: it has no
// work in an executor split by v.
func (s Segment) Resegment(v int64) (seg Segment, ok bool) {
	if s.t == nil {
		return s, true
	}
	if v <= 0 {
		return s, false
	}
	if v%s.t.cycle == 0 {
		return s, true
	}
	if s.Scale(v) == 0 {
		return Segment{}, false
	}
	bounds := []*big.Rat{new(big.Rat)}
	index := -1
	var sum int64
	for j := range s.t.owned {
		share := s.t.scale(j, v)
		if share == 0 {
			continue
		}
		if j == s.t.index {
			index = len(bounds) - 1
		}
		sum += share
		bounds = append(bounds, big.NewRat(sum, v))
	}
	if len(bounds) == 2 {
		return Segment{}, true
	}
	t, err := newTuple(bounds, index)
	if err != nil { // cannot happen: the new cycle divides v
		return s, true
	}
	return Segment{t: t}, true
}

// Fraction returns the segment's length (1 for the whole test).
func (s Segment) Fraction() float64 {
	if s.t == nil {
		return 1
	}
	f, _ := new(big.Rat).Sub(s.t.bounds[s.t.index+1], s.t.bounds[s.t.index]).Float64()
	return f
}
