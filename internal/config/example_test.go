package config_test

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/llmbench/llmbench/internal/config"
)

// The CLI's order: defaults < file < script < env < flags. The flags set
// iterations, so the script's scenarios are dropped with a warning.
func ExampleConsolidate() {
	script, _, _ := config.FromScriptJSON([]byte(`{"scenarios": {"chat": {"executor": "constant-vus", "duration": "1m"}}}`))
	env, _ := config.FromEnv(map[string]string{"K6_VUS": "8"})
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	flags := config.RegisterFlags(fs)
	_ = fs.Parse([]string{"-i", "500"})
	cli, _ := flags.Options()

	run, warnings, err := config.Consolidate(config.Defaults(), script, env, cli)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(warnings)
	for _, sc := range run.Scenarios() {
		fmt.Printf("%s: %s\n", sc.Name, sc.Raw)
	}
	// Output:
	// ["cli" level configuration overrode scenarios configuration entirely]
	// default: {"executor":"shared-iterations","iterations":500,"vus":8}
}
