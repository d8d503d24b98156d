// Package builtin registers the k6 built-in JS modules (k6, k6/metrics,
// k6/execution, k6/data, k6/timers, k6/encoding, k6/crypto) into a modules.Registry; the CLI calls
// it explicitly, nothing registers itself.
package builtin

import (
	"fmt"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/js/modules/k6"
	"github.com/llmbench/llmbench/internal/js/modules/k6crypto"
	"github.com/llmbench/llmbench/internal/js/modules/k6data"
	"github.com/llmbench/llmbench/internal/js/modules/k6encoding"
	"github.com/llmbench/llmbench/internal/js/modules/k6execution"
	"github.com/llmbench/llmbench/internal/js/modules/k6http"
	"github.com/llmbench/llmbench/internal/js/modules/k6metrics"
	"github.com/llmbench/llmbench/internal/js/modules/k6timers"
)

// Names are the import names Register adds.
var Names = []string{"k6", "k6/crypto", "k6/data", "k6/encoding", "k6/execution", "k6/http", "k6/metrics", "k6/timers"}

// Register adds the built-in modules to reg. It panics if one of the names
// is already registered (a wiring bug).
func Register(reg *modules.Registry) {
	for name, m := range map[string]modules.Module{
		"k6":           k6.New(),
		"k6/metrics":   k6metrics.New(),
		"k6/execution": k6execution.New(),
		"k6/data":      k6data.New(),
		"k6/timers":    k6timers.New(),
		"k6/http":      k6http.New(),
		"k6/encoding":  k6encoding.New(),
		"k6/crypto":    k6crypto.New(),
	} {
		if err := reg.Register(name, m); err != nil {
			panic(fmt.Sprintf("registering built-in modules: %v", err))
		}
	}
}
