// Package testreport reads `go test -json` output and writes the summary
// the Makefile's test target prints: each package's result line as go test
// prints it, every skipped test with its reason (a skip is never silent in
// CI), and the whole output of each failing test.
package testreport

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// event is one line of `go test -json` (test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// Summary is what Write found.
type Summary struct {
	Passed, Failed, Skipped int // tests (subtests included)
	FailedPackages          int
}

// Write reads test2json events from r and writes the report to w.
func Write(w io.Writer, r io.Reader) (Summary, error) {
	var s Summary
	outputs := map[string][]string{} // package/test → its output lines
	var skips, fails []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(w, "%s\n", line) // build errors and the like come as plain text
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			if e.Test != "" {
				outputs[key] = append(outputs[key], e.Output)
			} else if strings.HasPrefix(e.Output, "ok ") || strings.HasPrefix(e.Output, "FAIL") || strings.HasPrefix(e.Output, "?") ||
				strings.HasPrefix(e.Output, "panic:") || strings.Contains(e.Output, "[build failed]") || strings.HasPrefix(e.Output, "# ") {
				fmt.Fprint(w, e.Output)
			} else {
				outputs[key] = append(outputs[key], e.Output)
			}
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "pass":
			if e.Test != "" {
				s.Passed++
				delete(outputs, key)
			}
		case "skip":
			if e.Test != "" {
				s.Skipped++
				skips = append(skips, fmt.Sprintf("SKIP %s %s: %s", e.Package, e.Test, reason(outputs[key])))
				delete(outputs, key)
			}
		case "fail":
			if e.Test != "" {
				s.Failed++
				fails = append(fails, key)
			} else {
				s.FailedPackages++
				fails = append(fails, key)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	sort.Strings(skips)
	for _, l := range skips {
		fmt.Fprintln(w, l)
	}
	for _, k := range fails {
		if len(outputs[k]) == 0 {
			continue
		}
		fmt.Fprintf(w, "--- output of %s:\n%s", k, strings.Join(outputs[k], ""))
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", s.Passed, s.Failed, s.Skipped)
	return s, nil
}

// reason is a skipped test's message: its output without the framing lines.
func reason(out []string) string {
	var b []string
	for _, l := range out {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		b = append(b, t)
	}
	if len(b) == 0 {
		return "(no reason given)"
	}
	return strings.Join(b, " | ")
}
