package duration

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"
)

// TestParse pins k6's grammar: Go durations, the day form, bare numbers as
// milliseconds, and k6's sign rules for days.
func TestParse(t *testing.T) {
	accepted := []struct {
		in   string
		want time.Duration
	}{
		{"30s", 30 * time.Second},
		{"1m30s", 90 * time.Second},
		{"1h2m3.5s", time.Hour + 2*time.Minute + 3500*time.Millisecond},
		{"250ms", 250 * time.Millisecond},
		{"1.5h", 90 * time.Minute},
		{"10us", 10 * time.Microsecond},
		{"-2h", -2 * time.Hour},
		{"0", 0},
		{"1500", 1500 * time.Millisecond},
		{"1500.5", 1500500 * time.Microsecond},
		{"-100", -100 * time.Millisecond},
		{"1e3", time.Second},
		{"1d", 24 * time.Hour},
		{"2d3h", 51 * time.Hour},
		{"1d12h30m", 36*time.Hour + 30*time.Minute},
		{"1d0.5h", 24*time.Hour + 30*time.Minute},
		{"0d", 0},
		{"+1d", 24 * time.Hour},
		{"-1d", -24 * time.Hour},
		// a negative day count negates what follows: -(1d + 2h)
		{"-1d2h", -26 * time.Hour},
		{"106751d", 106751 * day},
	}
	for _, c := range accepted {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	rejected := []string{
		"",
		" ",
		"1x",
		"abc",
		"d",
		"d1h",
		"1.5d",    // days are an integer
		"2d-3h",   // what follows the days must not be negative
		"1d-1s",   // idem
		"1d2d",    // one day prefix only
		"1h2d",    // days come first
		"1d2",     // a unitless number after the days
		"xd",      // no day count
		"1dabc",   // garbage after the days
		" 1s",     // not trimmed, as time.ParseDuration
		"NaN",     // a number that is no duration
		"Inf",     // idem
		"1e300",   // beyond what a duration holds
		"106752d", // idem, by days
		"9223372036854775807d",
	}
	for _, in := range rejected {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, got)
		}
	}
}

func TestFromMillis(t *testing.T) {
	cases := []struct {
		in      float64
		want    time.Duration
		wantErr bool
	}{
		{in: 1, want: time.Millisecond},
		{in: 0.5, want: 500 * time.Microsecond},
		{in: -3, want: -3 * time.Millisecond},
		{in: math.NaN(), wantErr: true},
		{in: math.Inf(1), wantErr: true},
		{in: math.Inf(-1), wantErr: true},
		{in: 1e13, wantErr: true},
	}
	for _, c := range cases {
		got, err := FromMillis(c.in)
		if (err != nil) != c.wantErr || got != c.want {
			t.Errorf("FromMillis(%v) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.wantErr)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	cases := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: `"1m30s"`, want: 90 * time.Second},
		{in: `"2d3h"`, want: 51 * time.Hour},
		{in: `"1500"`, want: 1500 * time.Millisecond},
		{in: `1500`, want: 1500 * time.Millisecond},
		{in: ` 2.5 `, want: 2500 * time.Microsecond},
		{in: `"2d-3h"`, wantErr: true},
		{in: `"nope"`, wantErr: true},
		{in: `true`, wantErr: true},
		{in: `null`, wantErr: true},
		{in: `{}`, wantErr: true},
	}
	for _, c := range cases {
		var d Duration
		err := json.Unmarshal([]byte(c.in), &d)
		if (err != nil) != c.wantErr || d.D() != c.want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v (error %v)", c.in, d, err, c.want, c.wantErr)
		}
	}
	b, err := json.Marshal(Duration(90 * time.Second))
	if err != nil || string(b) != `"1m30s"` {
		t.Errorf("Marshal(90s) = %s, %v; want \"1m30s\"", b, err)
	}
}

func ExampleParse() {
	for _, s := range []string{"1m30s", "2d3h", "1500", "-1d2h"} {
		d, _ := Parse(s)
		fmt.Println(s, "=", d)
	}
	_, err := Parse("2d-3h")
	fmt.Println(err)
	// Output:
	// 1m30s = 1m30s
	// 2d3h = 51h0m0s
	// 1500 = 1.5s
	// -1d2h = -26h0m0s
	// invalid duration "2d-3h": "-3h" after the days must not be negative
}
