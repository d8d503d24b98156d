package k6timers

import (
	"github.com/llmbench/llmbench/internal/js/modules"
)

// Module is the "k6/timers" module.
type Module struct{}

// New returns the "k6/timers" module.
func New() *Module { return &Module{} }

var names = []string{"setTimeout", "clearTimeout", "setInterval", "clearInterval"}

// NewInstance exports the VU's timer globals.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	rt := v.Runtime()
	named := make(map[string]any, len(names))
	for _, n := range names {
		named[n] = rt.Get(n)
	}
	return instance{named}, nil
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string { return names }

type instance struct{ named map[string]any }

func (i instance) Exports() modules.Exports { return modules.Exports{Named: i.named} }
