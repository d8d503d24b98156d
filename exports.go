package llm

// addExports adds the module functions defined outside module.go (trace
// replay, shared-prefix prompts, synthetic images) to the named exports.
func (i *instance) addExports(named map[string]any) {
	named["parseTrace"] = i.parseTrace
	named["tracePrompt"] = i.tracePrompt
	named["syntheticImage"] = i.syntheticImage
}
