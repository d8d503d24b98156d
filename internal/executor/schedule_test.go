package executor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func collect(seq func(func(int64, time.Duration) bool)) []time.Duration {
	var out []time.Duration
	for _, at := range seq {
		out = append(out, at)
	}
	return out
}

func TestConstantArrivalPeriod(t *testing.T) {
	tests := []struct {
		name string
		rate int64
		unit time.Duration
		want time.Duration
	}{
		{"3 per second truncates", 3, time.Second, 333_333_333},
		{"20 per second", 20, time.Second, 50 * time.Millisecond},
		{"1 per minute", 1, time.Minute, time.Minute},
		{"7 per 100ms", 7, 100 * time.Millisecond, 14_285_714},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConstantArrivalPeriod(tt.rate, tt.unit); got != tt.want {
				t.Errorf("ConstantArrivalPeriod(%d, %s) = %d, want %d", tt.rate, tt.unit, got, tt.want)
			}
		})
	}
}

func TestConstantArrivalTimes(t *testing.T) {
	got := collect(ConstantArrivalTimes(20, time.Second, 3*time.Second))
	if len(got) != 60 {
		t.Fatalf("20/s for 3s: %d starts, want 60", len(got))
	}
	if got[0] != 0 || got[1] != 50*time.Millisecond || got[59] != 2950*time.Millisecond {
		t.Errorf("starts = %v, %v … %v; want 0, 50ms … 2.95s", got[0], got[1], got[59])
	}
}

func TestRampingArrivalTimes(t *testing.T) {
	tests := []struct {
		name      string
		startRate int64
		stages    []Stage
		wantN     int
		want      map[int]time.Duration // index → offset (±1µs)
	}{
		{"0 to 10/s over 10s", 0, []Stage{{Duration(10 * time.Second), 10}}, 50, map[int]time.Duration{
			0: 1414214 * time.Microsecond, 1: 2 * time.Second, 2: 2449490 * time.Microsecond, 49: 10 * time.Second}},
		{"constant 10/s for 2s", 10, []Stage{{Duration(2 * time.Second), 10}}, 20, map[int]time.Duration{
			0: 100 * time.Millisecond, 19: 2 * time.Second}},
		{"0 to 20/s over 4s", 0, []Stage{{Duration(4 * time.Second), 20}}, 40, map[int]time.Duration{39: 4 * time.Second}},
		{"zero-duration stage jumps", 0, []Stage{{0, 10}, {Duration(time.Second), 10}}, 10, map[int]time.Duration{
			0: 100 * time.Millisecond, 9: time.Second}},
		{"remainder carries over", 1, []Stage{{Duration(1500 * time.Millisecond), 1}, {Duration(time.Second), 1}}, 2, map[int]time.Duration{
			0: time.Second, 1: 2 * time.Second}},
		{"ramp down 10 to 0 over 2s", 10, []Stage{{Duration(2 * time.Second), 0}}, 10, map[int]time.Duration{
			0: 102633404 * time.Nanosecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(RampingArrivalTimes(tt.startRate, time.Second, tt.stages))
			if len(got) != tt.wantN {
				t.Fatalf("%d events, want %d: %v", len(got), tt.wantN, got)
			}
			for i, want := range tt.want {
				if d := got[i] - want; d < -time.Microsecond || d > time.Microsecond {
					t.Errorf("event %d at %v, want %v", i, got[i], want)
				}
			}
			for i := 1; i < len(got); i++ {
				if got[i] < got[i-1] {
					t.Errorf("event %d at %v before event %d at %v", i, got[i], i-1, got[i-1])
				}
			}
		})
	}
}

func TestRampingVUsSteps(t *testing.T) {
	ms := func(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
	tests := []struct {
		name     string
		startVUs int64
		stages   []Stage
		want     []VUStep
	}{
		{"ramp up, hold, ramp down", 0, []Stage{{Duration(time.Second), 5}, {Duration(time.Second), 5}, {Duration(time.Second), 0}},
			[]VUStep{{0, 0}, {ms(200), 1}, {ms(400), 2}, {ms(600), 3}, {ms(800), 4}, {ms(1000), 5},
				{ms(2200), 4}, {ms(2400), 3}, {ms(2600), 2}, {ms(2800), 1}, {ms(3000), 0}}},
		{"start VUs then instant jump", 2, []Stage{{0, 4}, {Duration(time.Second), 4}},
			[]VUStep{{0, 4}, {ms(1000), 0}}},
		{"ramp 1 to 3 over 1s", 1, []Stage{{Duration(time.Second), 3}},
			[]VUStep{{0, 1}, {ms(500), 2}, {ms(1000), 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RampingVUsSteps(Segment{}, tt.startVUs, tt.stages)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("VUsAt", func(t *testing.T) {
		steps := RampingVUsSteps(Segment{}, 0, []Stage{{Duration(time.Second), 5}})
		for at, want := range map[time.Duration]int64{0: 0, ms(199): 0, ms(200): 1, ms(999): 4, ms(1000): 0} {
			if got := VUsAt(steps, at); got != want {
				t.Errorf("VUsAt(%v) = %d, want %d", at, got, want)
			}
		}
	})
}
