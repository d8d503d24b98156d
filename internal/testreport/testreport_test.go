package testreport

import (
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: no taskset on PATH\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:3: got 1, want 2\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Test":"TestC","Output":"    c_test.go:1: a log line\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestC"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`{"Action":"output","Package":"q","Output":"ok  \tq\t0.02s\n"}`,
		`{"Action":"pass","Package":"q"}`,
	}, "\n")
	var b strings.Builder
	s, err := Write(&b, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"FAIL\tp\t0.01s\n", "ok  \tq\t0.02s\n", "SKIP p TestA: a_test.go:9: no taskset on PATH\n",
		"--- output of p TestB:\n    b_test.go:3: got 1, want 2\n", "1 passed, 1 failed, 1 skipped\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "a log line") {
		t.Errorf("a passing test's output is in the report:\n%s", out)
	}
	if s.Passed != 1 || s.Failed != 1 || s.Skipped != 1 || s.FailedPackages != 1 {
		t.Errorf("summary %+v", s)
	}
}
