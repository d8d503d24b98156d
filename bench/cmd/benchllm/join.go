package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
)

// clientLine matches "ID TTFT_MS" anywhere in a line: bare's -ttft-log, or
// an llmbench console line (msg="ID TTFT_MS").
var clientLine = regexp.MustCompile(`((?:chat)?cmpl-\d+) ([0-9.]+)`)

// joinStats is what join prints.
type joinStats struct {
	Label   string  `json:"label"`
	Matched int     `json:"matched"`
	P50us   float64 `json:"ttft_error_p50_us"`
	P99us   float64 `json:"ttft_error_p99_us"`
	MaxUs   float64 `json:"ttft_error_max_us"`
}

func join(args []string) error {
	fs := flag.NewFlagSet("join", flag.ContinueOnError)
	mockLog := fs.String("mock", "", "the mock's --log `FILE`")
	client := fs.String("client", "", "per-request client TTFTs, \"ID TTFT_MS\" per line")
	label := fs.String("label", "", "label of the printed line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	server := map[string]float64{} // id → server TTFT in ms
	if err := eachLine(*mockLog, func(b []byte) {
		var l struct {
			ID         string `json:"id"`
			Received   int64  `json:"received_unix_ns"`
			FirstToken int64  `json:"first_token_unix_ns"`
		}
		if json.Unmarshal(b, &l) == nil && l.FirstToken > 0 {
			server[l.ID] = float64(l.FirstToken-l.Received) / 1e6
		}
	}); err != nil {
		return err
	}
	var errs []float64 // µs
	if err := eachLine(*client, func(b []byte) {
		m := clientLine.FindSubmatch(b)
		if m == nil {
			return
		}
		s, ok := server[string(m[1])]
		v, err := strconv.ParseFloat(string(m[2]), 64)
		if ok && err == nil {
			errs = append(errs, (v-s)*1e3)
		}
	}); err != nil {
		return err
	}
	if len(errs) == 0 {
		return fmt.Errorf("no client request matched the mock log")
	}
	slices.Sort(errs)
	q := func(p float64) float64 { return math.Round(errs[int(p*float64(len(errs)-1))]) }
	return json.NewEncoder(os.Stdout).Encode(joinStats{Label: *label, Matched: len(errs), P50us: q(0.5), P99us: q(0.99), MaxUs: q(1)})
}

func eachLine(path string, f func([]byte)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f(sc.Bytes())
	}
	return sc.Err()
}
