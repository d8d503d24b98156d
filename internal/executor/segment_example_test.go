package executor_test

import (
	"fmt"

	"github.com/llmbench/llmbench/internal/executor"
)

// The recipe an executor follows for runner 1 of 3 (reference
// k6-operator.md §5's worked example): scale VU counts, split the work
// shared by a VU count with the re-segmented tuple, and number iterations
// with Global.
func ExampleSegment() {
	seg, err := executor.ParseSegment("0:1/3", "0,1/3,2/3,1")
	if err != nil {
		panic(err)
	}
	fmt.Println("VUs of 10:", seg.Scale(10))
	// constant-arrival-rate with maxVUs 10: arrivals split by the VU split.
	arrivals, hasWork := seg.Resegment(10)
	var mine []int64
	for k := range int64(10) {
		if arrivals.Owns(k) {
			mine = append(mine, k)
		}
	}
	fmt.Println("arrivals of the first 10:", mine, hasWork, arrivals.Fraction())
	// shared-iterations 100 over 10 VUs.
	fmt.Println("iterations of 100:", arrivals.Scale(100))
	// This instance's local iteration 2 is iteration 5 of the whole test.
	fmt.Println("iterationInTest of local 2:", arrivals.Global(2))
	// Output:
	// VUs of 10: 4
	// arrivals of the first 10: [0 3 5 8] true 0.4
	// iterations of 100: 40
	// iterationInTest of local 2: 5
}
