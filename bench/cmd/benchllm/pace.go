package main

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"slices"
	"time"
)

// paceStats is what pace prints.
type paceStats struct {
	Client      string  `json:"client"`
	TargetRPS   float64 `json:"target_rps"`
	AchievedRPS float64 `json:"achieved_rps"`
	LagP99Ms    float64 `json:"start_lag_p99_ms"`
	LagMaxMs    float64 `json:"start_lag_max_ms"`
}

// pace is the floor of arrival-rate accuracy on this machine: a bare Go
// loop that waits on one timer for each planned start (i/rate after the
// beginning, the engine's schedule) and records how late it woke.
func pace(args []string) error {
	fs := flag.NewFlagSet("pace", flag.ContinueOnError)
	rate := fs.Float64("rate", 100, "starts per second")
	seconds := fs.Float64("seconds", 10, "duration")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n := int(*rate * *seconds)
	interval := time.Duration(float64(time.Second) / *rate)
	lags := make([]float64, 0, n)
	t := time.NewTimer(0)
	<-t.C
	start := time.Now()
	for i := range n {
		when := start.Add(time.Duration(i) * interval)
		if d := time.Until(when); d > 0 {
			t.Reset(d)
			<-t.C
		}
		lags = append(lags, float64(time.Since(when))/1e6)
	}
	wall := time.Since(start).Seconds()
	slices.Sort(lags)
	r := func(v float64) float64 { return math.Round(v*1000) / 1000 }
	return json.NewEncoder(os.Stdout).Encode(paceStats{
		Client: "bare-timer", TargetRPS: *rate,
		// n starts over the n−1 intervals that separate them, as the rate is planned.
		AchievedRPS: r(float64(n-1) / max(wall, float64(n-1)*interval.Seconds())),
		LagP99Ms:    r(lags[int(0.99*float64(len(lags)-1))]), LagMaxMs: r(lags[len(lags)-1]),
	})
}
