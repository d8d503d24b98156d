package executor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// segments parses every member of sequence (as the k6-operator passes them).
func segments(t *testing.T, sequence string) []Segment {
	t.Helper()
	pts := strings.Split(sequence, ",")
	var out []Segment
	for i := range len(pts) - 1 {
		s, err := ParseSegment(pts[i]+":"+pts[i+1], sequence)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// owned lists the indices in [0, n) that s owns.
func owned(s Segment, n int64) []int64 {
	var out []int64
	for i := range n {
		if s.Owns(i) {
			out = append(out, i)
		}
	}
	return out
}

func TestSegmentScale(t *testing.T) {
	tests := []struct {
		sequence string
		v        int64
		want     []int64
	}{
		{"0,1/3,2/3,1", 10, []int64{4, 3, 3}},
		{"0,1/3,2/3,1", 1, []int64{1, 0, 0}},
		{"0,1/3,2/3,1", 2, []int64{1, 1, 0}},
		{"0,1/3,2/3,1", 3, []int64{1, 1, 1}},
		{"0,1/4,2/4,3/4,1", 7, []int64{2, 2, 2, 1}},
		{"0,25%,0.5,1", 10, []int64{3, 2, 5}},
		{"0,1/2,1", 5, []int64{3, 2}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s of %d", tt.sequence, tt.v), func(t *testing.T) {
			var got []int64
			for _, s := range segments(t, tt.sequence) {
				got = append(got, s.Scale(tt.v))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scale(%d) (-want +got):\n%s", tt.v, diff)
			}
		})
	}
}

// TestSegmentStriping checks the residues of reference §5's worked example
// and of an uneven sequence.
func TestSegmentStriping(t *testing.T) {
	tests := []struct {
		name     string
		sequence string
		by       int64 // Resegment by this value first (0: no)
		want     [][]int64
	}{
		{"thirds round-robin", "0,1/3,2/3,1", 0, [][]int64{{0, 3, 6, 9}, {1, 4, 7}, {2, 5, 8}}},
		{"thirds re-segmented by maxVUs 10", "0,1/3,2/3,1", 10, [][]int64{{0, 3, 5, 8}, {1, 4, 7}, {2, 6, 9}}},
		{"thirds by 3 unchanged", "0,1/3,2/3,1", 3, [][]int64{{0, 3, 6, 9}, {1, 4, 7}, {2, 5, 8}}},
		{"largest segment first", "0,1/4,1/2,1", 0, [][]int64{{1, 5, 9}, {3, 7}, {0, 2, 4, 6, 8}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]int64
			for _, s := range segments(t, tt.sequence) {
				if tt.by > 0 {
					var ok bool
					if s, ok = s.Resegment(tt.by); !ok {
						t.Fatalf("%v has no share of %d", s, tt.by)
					}
				}
				got = append(got, owned(s, 10))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("owned indices (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSegmentPartition checks, for several sequences, that every global
// index has exactly one owner, that Scale counts owned indices, and that
// Global enumerates them in order.
func TestSegmentPartition(t *testing.T) {
	for _, seq := range []string{"0,1/3,2/3,1", "0,1/4,2/4,3/4,1", "0,25%,0.5,1", "0,1/10,3/10,6/10,1", "0,2/7,1"} {
		t.Run(seq, func(t *testing.T) {
			segs := segments(t, seq)
			for _, by := range []int64{0, 1, 7, 10, 13} {
				var re []Segment
				for _, s := range segs {
					if by > 0 {
						if r, ok := s.Resegment(by); ok {
							re = append(re, r)
						} else if s.Scale(by) != 0 {
							t.Fatalf("%v: no work but a share of %d", s, s.Scale(by))
						}
						continue
					}
					re = append(re, s)
				}
				var sum int64
				for _, s := range re {
					sum += s.Scale(97)
					for k, g := range owned(s, 97) {
						if got := s.Global(int64(k)); got != g {
							t.Fatalf("by %d, %v: Global(%d) = %d, want %d", by, s, k, got, g)
						}
						if int64(k) >= s.Scale(g+1) || int64(k) < s.Scale(g) {
							t.Fatalf("by %d, %v: Scale disagrees with owned index %d", by, s, g)
						}
					}
				}
				for i := range int64(97) {
					n := 0
					for _, s := range re {
						if s.Owns(i) {
							n++
						}
					}
					if n != 1 {
						t.Fatalf("by %d: index %d has %d owners", by, i, n)
					}
				}
				if sum != 97 {
					t.Fatalf("by %d: shares of 97 sum to %d", by, sum)
				}
			}
		})
	}
}

func TestSegmentResegmentNoWork(t *testing.T) {
	segs := segments(t, "0,1/3,2/3,1")
	var ok []bool
	for _, s := range segs {
		r, has := s.Resegment(1)
		ok = append(ok, has)
		if has && !r.Full() {
			t.Errorf("the only instance with work should run everything, got %v", r)
		}
	}
	if diff := cmp.Diff([]bool{true, false, false}, ok); diff != "" {
		t.Errorf("work with maxVUs 1 (-want +got):\n%s", diff)
	}
}

func TestParseSegment(t *testing.T) {
	tests := []struct {
		seg, seq string
		want     string // String() + " " + Sequence(), or "error: …"
	}{
		{"", "", "0:1 0,1"},
		{"1/3:2/3", "", "1/3:2/3 0,1/3,2/3,1"},
		{"0.5", "", "0:1/2 0,1/2,1"},
		{"25%:50%", "0,25%,0.5,1", "1/4:1/2 0,1/4,1/2,1"},
		{"2/4:3/4", "0,1/4,2/4,3/4,1", "1/2:3/4 0,1/4,1/2,3/4,1"},
		{"1/4:1/2", "1/4,1/2", "1/4:1/2 0,1/4,1/2,1"},
		{"0:1", "0,1", "0:1 0,1"},
		{"1:0", "", "error: must satisfy 0 ≤ from < to ≤ 1"},
		{"0:2", "", "error: must satisfy 0 ≤ from < to ≤ 1"},
		{"1/2:1/2", "", "error: must satisfy 0 ≤ from < to ≤ 1"},
		{"x", "", "error: want a fraction"},
		{"0:1/3", "0,1/2,1", "error: is not a member of the segment sequence"},
		{"0:1/3", "0,1/3,1/4,1", "error: points must increase"},
		{"0:1/3", "1/3", "error: at least two points"},
		{"0:2.5%", "", "error: a percentage must be an integer"},
		{"0:1/3", "0,1/3,2", "error: outside [0, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.seg+"/"+tt.seq, func(t *testing.T) {
			s, err := ParseSegment(tt.seg, tt.seq)
			got := s.String() + " " + s.Sequence()
			if err != nil {
				got = "error: " + err.Error()
			}
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("got %q, want an error containing %q", got, want)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
