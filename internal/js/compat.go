package js

import "fmt"

// Compatibility modes (k6's --compatibility-mode / K6_COMPATIBILITY_MODE).
const (
	// CompatExtended is the default: plain sobek plus a `global` alias of
	// globalThis.
	CompatExtended = "extended"
	// CompatBase is plain sobek without `global`.
	CompatBase = "base"
	// CompatExperimentalEnhanced is deprecated: it warns and then behaves
	// as base. TypeScript is stripped in every mode.
	CompatExperimentalEnhanced = "experimental_enhanced"
)

// ParseCompatibilityMode checks a compatibility mode ("" is extended) and
// returns the mode to run with and the warning to print, if any, with
// k6's texts.
func ParseCompatibilityMode(s string) (mode, warning string, err error) {
	switch s {
	case "", CompatExtended:
		return CompatExtended, "", nil
	case CompatBase:
		return CompatBase, "", nil
	case CompatExperimentalEnhanced:
		return CompatBase, `CompatibilityMode "experimental_enhanced" is deprecated. Types are stripped by default for ` +
			"`.ts` files. Please use the \"base\" or \"extended\" compatibility mode instead", nil
	}
	return "", "", fmt.Errorf(`invalid compatibility mode %q. Use: "extended", "base", "experimental_enhanced"`, s)
}
