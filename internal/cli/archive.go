package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/archive"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// addRunOnlyFlags registers run's other flags on archive and inspect, which
// accept (and ignore) them: the k6-operator's initializer passes the
// TestRun's arguments to both.
func addRunOnlyFlags(cmd *cobra.Command) {
	addSourceFlags(cmd.Flags(), nil)
	addResultsFlags(cmd.Flags())
	addRunFlags(cmd.Flags())
}

func newArchiveCmd(ctx context.Context, env Env, mods *modules.Registry) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "archive [flags] SCRIPT",
		Short: "Bundle the script, the files it loads and its consolidated options into a k6 archive (.tar)",
		Args:  cobra.ExactArgs(1),
	}
	f := addScriptFlags(cmd)
	addRunOnlyFlags(cmd)
	var out string
	var excludeEnv bool
	cmd.Flags().StringVarP(&out, "archive-out", "O", "archive.tar", "write the archive to `FILE` (- for stdout)")
	cmd.Flags().BoolVar(&excludeEnv, "exclude-env-vars", false, "do not store the -e variables in the archive")
	// k6 archive does not pass the system environment to __ENV by default.
	if err := cmd.Flags().Set("include-system-env-vars", "false"); err != nil {
		panic(err)
	}
	cmd.Flags().Lookup("include-system-env-vars").DefValue = "false"
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		f.record = true
		logger, err := f.logger(env)
		if err != nil {
			return err
		}
		l, err := load(ctx, env, mods, f, args[0], logger)
		if err != nil {
			return err
		}
		opts, err := json.Marshal(l.run)
		if err != nil {
			return err
		}
		a := &archive.Archive{Filename: archive.Anonymize(l.path), Pwd: archive.Anonymize(env.Dir), Options: opts,
			Version: Version, Files: map[string][]byte{}}
		if l.archive != nil {
			a.Filename, a.Pwd = l.archive.Filename, l.archive.Pwd
		}
		for p, b := range l.files {
			a.Files[archive.Anonymize(p)] = b
		}
		// The https:// modules it imported, so the archive runs offline.
		a.Remote, a.CompatibilityMode = map[string][]byte{}, l.compat
		for raw, b := range l.runner.RemoteModules() {
			if u, err := url.Parse(raw); err == nil {
				u.RawQuery, u.Fragment = "", ""
				a.Remote[u.String()] = b
			}
		}
		if !excludeEnv {
			a.Env = map[string]string{}
			for _, kv := range f.env {
				if k, v, ok := strings.Cut(kv, "="); ok {
					a.Env[k] = v
				}
			}
		}
		var buf bytes.Buffer
		if err := archive.Write(&buf, a); err != nil {
			return err
		}
		if out == "-" {
			_, err = env.Stdout.Write(buf.Bytes())
			return err
		}
		p := resolve(env, out)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return exit.New(exit.InvalidConfig, fmt.Errorf("archive: %w", err))
		}
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			return exit.New(exit.InvalidConfig, fmt.Errorf("archive: %w", err))
		}
		return nil
	}
	return cmd
}
