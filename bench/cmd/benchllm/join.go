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

// clientLine matches "ID TTFT_MS FIRST_TOKEN_UNIX_MS" anywhere in a line:
// bare's -ttft-log, or an llmbench console line (msg="ID TTFT_MS UNIX_MS").
var clientLine = regexp.MustCompile(`((?:chat)?cmpl-\d+) ([0-9.]+) ([0-9.]+)`)

// joinStats is what join prints, in µs over every matched request:
//   - first_token_error: the client's first-token instant − the mock's
//     first-token write instant (SPEC §8: "TTFT measured within 1 ms of the
//     server's own send time"), the client's measurement error.
//   - ttft_diff: client TTFT − the mock's TTFT (write − handler start). On
//     top of the first-token error it holds the request's way in: the
//     client's write, the server accepting and scheduling the handler — the
//     server's own latency, which the client rightly counts in TTFT.
type joinStats struct {
	Label       string  `json:"label"`
	Matched     int     `json:"matched"`
	FirstP50us  float64 `json:"first_token_error_p50_us"`
	FirstP99us  float64 `json:"first_token_error_p99_us"`
	FirstP999us float64 `json:"first_token_error_p99_9_us"`
	FirstMaxUs  float64 `json:"first_token_error_max_us"`
	// AfterWrite* measure the same error from when the mock's first write
	// returned: where they are small while first_token_error is large,
	// the mock stalled between stamping and writing.
	AfterWriteP999us float64 `json:"first_token_error_after_write_p99_9_us"`
	AfterWriteMaxUs  float64 `json:"first_token_error_after_write_max_us"`
	// MockWriteP999us is the mock's own stamp-to-write-returned time.
	MockWriteP999us float64 `json:"mock_write_p99_9_us"`
	MockWriteMaxUs  float64 `json:"mock_write_max_us"`
	DiffP50us       float64 `json:"ttft_diff_p50_us"`
	DiffP99us       float64 `json:"ttft_diff_p99_us"`
	DiffMaxUs       float64 `json:"ttft_diff_max_us"`
}

type serverTimes struct{ ttftMs, firstUnixMs, writtenUnixMs float64 }

func join(args []string) error {
	fs := flag.NewFlagSet("join", flag.ContinueOnError)
	mockLog := fs.String("mock", "", "the mock's --log `FILE`")
	client := fs.String("client", "", "per-request client TTFTs, \"ID TTFT_MS\" per line")
	label := fs.String("label", "", "label of the printed line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	server := map[string]serverTimes{}
	if err := eachLine(*mockLog, func(b []byte) {
		var l struct {
			ID         string `json:"id"`
			Received   int64  `json:"received_unix_ns"`
			FirstToken int64  `json:"first_token_unix_ns"`
			Written    int64  `json:"first_token_written_unix_ns"`
		}
		if json.Unmarshal(b, &l) == nil && l.FirstToken > 0 {
			server[l.ID] = serverTimes{float64(l.FirstToken-l.Received) / 1e6, float64(l.FirstToken) / 1e6, float64(l.Written) / 1e6}
		}
	}); err != nil {
		return err
	}
	var first, diff, after, write []float64 // µs
	if err := eachLine(*client, func(b []byte) {
		m := clientLine.FindSubmatch(b)
		if m == nil {
			return
		}
		s, ok := server[string(m[1])]
		ttft, err1 := strconv.ParseFloat(string(m[2]), 64)
		at, err2 := strconv.ParseFloat(string(m[3]), 64)
		if ok && err1 == nil && err2 == nil {
			diff = append(diff, (ttft-s.ttftMs)*1e3)
			first = append(first, (at-s.firstUnixMs)*1e3)
			if s.writtenUnixMs > 0 {
				after = append(after, (at-s.writtenUnixMs)*1e3)
				write = append(write, (s.writtenUnixMs-s.firstUnixMs)*1e3)
			}
		}
	}); err != nil {
		return err
	}
	if len(first) == 0 {
		return fmt.Errorf("no client request matched the mock log")
	}
	slices.Sort(first)
	slices.Sort(diff)
	slices.Sort(after)
	slices.Sort(write)
	q := func(v []float64, p float64) float64 {
		if len(v) == 0 {
			return 0
		}
		return math.Round(v[int(p*float64(len(v)-1))])
	}
	return json.NewEncoder(os.Stdout).Encode(joinStats{Label: *label, Matched: len(first),
		FirstP50us: q(first, 0.5), FirstP99us: q(first, 0.99), FirstP999us: q(first, 0.999), FirstMaxUs: q(first, 1),
		AfterWriteP999us: q(after, 0.999), AfterWriteMaxUs: q(after, 1), MockWriteP999us: q(write, 0.999), MockWriteMaxUs: q(write, 1),
		DiffP50us: q(diff, 0.5), DiffP99us: q(diff, 0.99), DiffMaxUs: q(diff, 1)})
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
