package executor

import (
	"math"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSegment(t *testing.T) {
	thirds := []string{"0:1/3", "1/3:2/3", "2/3:1"}
	tests := []struct {
		v    int64
		want []int64
	}{{10, []int64{4, 3, 3}}, {1, []int64{1, 0, 0}}, {2, []int64{1, 1, 0}}, {3, []int64{1, 1, 1}}}
	for _, tt := range tests {
		t.Run("thirds of "+big.NewRat(tt.v, 1).RatString(), func(t *testing.T) {
			var got []int64
			for _, s := range thirds {
				seg, err := ParseSegment(s, "")
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, seg.Scale(tt.v))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scale(%d) (-want +got):\n%s", tt.v, diff)
			}
		})
	}
	t.Run("a sequence covers every index once", func(t *testing.T) {
		var segs []Segment
		for _, s := range []string{"0:25%", "0.25:0.5", "1/2:1"} {
			seg, err := ParseSegment(s, "0,1/4,1/2,1")
			if err != nil {
				t.Fatal(err)
			}
			segs = append(segs, seg)
		}
		for v := int64(0); v < 50; v++ {
			var owners, scaled int64
			for _, s := range segs {
				if s.Owns(v) {
					owners++
				}
				scaled += s.Scale(v)
			}
			if owners != 1 || scaled != v {
				t.Fatalf("index %d: %d owners, scales sum to %d", v, owners, scaled)
			}
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, s := range []string{"1:0", "0:2", "x", "1/2:1/2"} {
			if _, err := ParseSegment(s, ""); err == nil {
				t.Errorf("ParseSegment(%q) succeeded", s)
			}
		}
	})
	t.Run("full", func(t *testing.T) {
		seg, _ := ParseSegment("", "")
		if !seg.Full() || seg.Scale(7) != 7 || seg.String() != "0:1" || math.Abs(seg.Fraction()-1) > 0 {
			t.Errorf("zero segment is not 0:1: %v", seg)
		}
	})
}
