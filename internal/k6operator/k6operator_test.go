package k6operator

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunnerArgv(t *testing.T) {
	got := Runner{Index: 3, Parallelism: 4, Name: "llm", Script: "/test/test.js", Args: []string{"-e", "A=1"}}.Argv()
	want := []string{"k6", "run", "--quiet", "--execution-segment=2/4:3/4", "--execution-segment-sequence=0,1/4,2/4,3/4,1",
		"-e", "A=1", "/test/test.js", "--address=0.0.0.0:6565", "--paused", "--tag", "instance_id=3", "--tag", "testrun_name=llm"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("argv (-want +got):\n%s", diff)
	}
	if got := SegmentArgs(1, 1); got != nil {
		t.Errorf("parallelism 1 got segment flags %v", got)
	}
	if got := SegmentArgs(1, 2); got[0] != "--execution-segment=0:1/2" {
		t.Errorf("first of two: %v", got)
	}
}

func TestArchiveArgs(t *testing.T) {
	in := []string{"--vus", "3", "-o", "json=x", "--out=csv", "-l", "--tag", "a=b", "--log-output=stdout", "--verbose", "--no-thresholds", "--user-agent", "x"}
	want := []string{"--vus", "3", "--tag", "a=b", "--no-thresholds"}
	if diff := cmp.Diff(want, ArchiveArgs(in)); diff != "" {
		t.Errorf("archive args (-want +got):\n%s", diff)
	}
}
