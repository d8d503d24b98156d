package k6http_test

import (
	"testing"

	"github.com/llmbench/llmbench/internal/clitest"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

type (
	sample = clitest.Sample
	result = clitest.Result
)

func registry() *modules.Registry {
	mods := modules.NewRegistry()
	builtin.Register(mods)
	return mods
}

// run runs script (after clitest.Prelude's eq and ok) with `llmbench run`.
func run(t *testing.T, script string, args ...string) result {
	t.Helper()
	return clitest.Run(t, registry(), script, args...)
}

// mustRun runs script and fails the test unless it exits 0.
func mustRun(t *testing.T, script string, args ...string) result {
	t.Helper()
	return clitest.MustRun(t, registry(), script, args...)
}

func lastLines(s string, n int) string { return clitest.LastLines(s, n) }
