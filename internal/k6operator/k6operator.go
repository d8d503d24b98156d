// Package k6operator states the k6-operator's side of the runner protocol
// (reference k6-operator.md §1–§3) as data: the runner's argv, the
// initializer's shell script and the starter's and stopper's PATCH bodies.
// llmbench does not run the operator; its tests play the operator's flow
// with these exact values against the llmbench binary installed as k6, and
// docs/distributed.md shows them.
package k6operator

import (
	"fmt"
	"strings"
)

// StartBody is the starter Job's PATCH /v1/status body.
const StartBody = `{"data":{"attributes":{"paused":false,"stopped":false},"id":"default","type":"status"}}`

// StopBody is the stopper Job's PATCH /v1/status body.
const StopBody = `{"data":{"attributes":{"paused":false,"stopped":true},"id":"default","type":"status"}}`

// frac prints i/n as the operator does: not reduced, 0 and 1 at the ends.
func frac(i, n int) string {
	switch i {
	case 0:
		return "0"
	case n:
		return "1"
	}
	return fmt.Sprintf("%d/%d", i, n)
}

// SegmentArgs returns runner i's (1-based) segment flags out of n; none
// when n is 1.
func SegmentArgs(i, n int) []string {
	if n <= 1 {
		return nil
	}
	seq := make([]string, n+1)
	for k := range seq {
		seq[k] = frac(k, n)
	}
	return []string{
		"--execution-segment=" + frac(i-1, n) + ":" + frac(i, n),
		"--execution-segment-sequence=" + strings.Join(seq, ","),
	}
}

// Runner describes one runner pod's command.
type Runner struct {
	Index, Parallelism  int    // 1-based index, N
	Name                string // the TestRun's name
	Script              string // e.g. /test/test.js
	Args                []string
	Address             string // default 0.0.0.0:6565
	NotQuiet, NotPaused bool   // spec.quiet / spec.paused "false"
}

// Argv returns the runner container's command, in the operator's order:
// k6 run, --quiet, the segment flags, the user's args, the script, then
// --address, --paused and the instance_id and testrun_name tags.
func (r Runner) Argv() []string {
	argv := []string{"k6", "run"}
	if !r.NotQuiet {
		argv = append(argv, "--quiet")
	}
	argv = append(argv, SegmentArgs(r.Index, r.Parallelism)...)
	argv = append(argv, r.Args...)
	addr := r.Address
	if addr == "" {
		addr = "0.0.0.0:6565"
	}
	argv = append(argv, r.Script, "--address="+addr)
	if !r.NotPaused {
		argv = append(argv, "--paused")
	}
	return append(argv, "--tag", fmt.Sprintf("instance_id=%d", r.Index), "--tag", "testrun_name="+r.Name)
}

// ArchiveArgs returns the user args the initializer passes to k6 archive:
// without --log-output, --block-hostnames, --blacklist-ip, --user-agent,
// -o/--out (and their values), -l/--linger, --no-usage-report and
// -v/--verbose.
func ArchiveArgs(args []string) []string {
	var out []string
	valued := []string{"--log-output", "--block-hostnames", "--blacklist-ip", "--user-agent", "--out", "-o"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-l", "--linger", "--no-usage-report", "-v", "--verbose":
			continue
		}
		dropped := false
		for _, p := range valued {
			if a == p {
				i++ // the value follows
				dropped = true
				break
			}
			if strings.HasPrefix(a, p) && (p != "-o" || strings.HasPrefix(a, "-o=")) {
				dropped = true
				break
			}
		}
		if !dropped {
			out = append(out, a)
		}
	}
	return out
}

// InitializerScript returns the initializer container's `sh -c` script:
// check k6 is on PATH, archive the script into tmp, inspect the archive's
// execution requirements (the only stdout), and fail when the logs match
// level.*error.
func InitializerScript(script, tmp string, archiveArgs []string) string {
	file := script[strings.LastIndex(script, "/")+1:]
	tar := tmp + "/" + file + ".archived.tar"
	logs := tmp + "/k6logs"
	q := make([]string, len(archiveArgs))
	for i, a := range archiveArgs {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join([]string{
		`if ! command -v k6 >/dev/null 2>&1; then echo 'level=error msg="k6 executable not found in PATH; initializer image must contain k6"' >&2; exit 127; fi`,
		fmt.Sprintf(`mkdir -p "$(dirname %s)"`, tar),
		fmt.Sprintf(`k6 archive %s -O %s %s 2> %s || { cat %s; exit 1; }`, script, tar, strings.Join(q, " "), logs, logs),
		fmt.Sprintf(`k6 inspect --execution-requirements %s 2> %s || { cat %s; exit 1; }`, tar, logs, logs),
		fmt.Sprintf(`if grep 'level.*error' %s; then exit 1; fi`, logs),
	}, "\n")
}
