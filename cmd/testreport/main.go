// Command testreport turns `go test -json` on standard input into the
// Makefile's test report (internal/testreport); it exits 1 when a test or
// package failed.
package main

import (
	"fmt"
	"os"

	"github.com/llmbench/llmbench/internal/testreport"
)

func main() {
	s, err := testreport.Write(os.Stdout, os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if s.Failed > 0 || s.FailedPackages > 0 {
		os.Exit(1)
	}
}
