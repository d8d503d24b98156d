package sweep

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

func TestRates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{10, 50, 3, []float64{20, 30, 40}},
		{10, 50, 0, nil},
		{5, 5, 1, []float64{2.5}}, // no headroom: spread below hi
	}
	for _, tc := range tests {
		got := Rates(tc.lo, tc.hi, tc.n)
		if len(got) != len(tc.want) {
			t.Fatalf("Rates(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-9 {
				t.Errorf("Rates(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
			}
		}
	}
}

// stages is a server whose latency is flat up to 80 req/s and then grows.
var stages = []Stage{
	{Kind: Synchronous, VUs: 1, RequestsPerSec: 40, E2Ep50: 20, TTFTp50: 19, ThresholdsOK: true},
	{Kind: Throughput, VUs: 16, RequestsPerSec: 100, E2Ep50: 160, TTFTp50: 158},
	{Kind: Constant, Rate: 60, VUs: 16, RequestsPerSec: 60, E2Ep50: 21, TTFTp50: 20, ThresholdsOK: true},
	{Kind: Constant, Rate: 80, VUs: 16, RequestsPerSec: 80, E2Ep50: 22, TTFTp50: 21, ThresholdsOK: true},
	{Kind: Constant, Rate: 90, VUs: 16, RequestsPerSec: 89, E2Ep50: 60, TTFTp50: 58, ThresholdsOK: false},
}

func TestKneeAndBest(t *testing.T) {
	t.Parallel()
	if k := Knee(stages); k != 3 {
		t.Errorf("knee %d, want 3 (80 req/s at 22 ms)", k)
	}
	if b := BestRate(stages); b != 3 {
		t.Errorf("best %d, want 3 (80/s, the highest constant rate that passed)", b)
	}
	if Knee(nil) != -1 || BestRate(stages[:2]) != -1 {
		t.Error("want −1 without usable stages")
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	r := NewResult("s.js", stages)
	md := r.Markdown()
	for _, want := range []string{
		"| 80/s (knee) (best) | 16 | 80.00 |",
		"| 90/s | 16 | 89.00 | 0.0 | 58.0 ms |",
		"Highest rate meeting the script's thresholds: 80/s",
		"Maximum throughput (closed loop, 16 VUs): 100.00 req/s.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	svg := r.SVG()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
	}
	if strings.Count(svg, "<polyline") != 2 || !strings.Contains(svg, ">knee<") {
		t.Errorf("SVG lacks its two curves or the knee:\n%s", svg)
	}
	if _, err := r.JSON(); err != nil {
		t.Fatal(err)
	}
}
