// Package redact is llmbench's one policy for secrets that would leave the
// process: URL credentials and query secrets in any text (headers,
// warnings, errors, summaries, results), and the values of environment
// variables (-e, scenario env) written to results.
//
// The policy:
//   - URL userinfo (user:password@ or token@) is always replaced by
//     "<redacted>@", and the value of a query parameter whose name looks
//     secret (api_key=, token=, sig=…) by "<redacted>".
//   - An environment value is kept only when its name does not look secret
//     (Name) and either the name is a known workload knob (Knobs: DURATION,
//     RATE, MODEL…) or the value is a plain number, duration or boolean;
//     kept values still go through Text. Every other value is "<redacted>":
//     an unknown -e MY_BEARER=… is hidden whatever its name says.
package redact

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Mark replaces what is hidden.
const Mark = "<redacted>"

var (
	// userinfoRE matches a URL's userinfo, from "://" to "@".
	userinfoRE = regexp.MustCompile(`(://)[^/?#@\s"'<>]+@`)
	// queryRE matches a secret-looking query parameter and its value.
	queryRE = regexp.MustCompile(`(?i)([?&;][^=&\s"'<>#]*(?:key|token|secret|passw|credential|auth|sig|session)[^=&\s"'<>#]*=)[^&\s"'<>#]+`)
	// nameRE matches the names of variables that hold secrets.
	nameRE = regexp.MustCompile(`(?i)(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|BEARER|COOKIE|SESSION|PRIVATE|CERT)`)
)

// Text hides URL credentials and secret query values anywhere in s.
func Text(s string) string {
	if !strings.Contains(s, "@") && !strings.ContainsAny(s, "?&;") {
		return s
	}
	s = userinfoRE.ReplaceAllString(s, "${1}"+Mark+"@")
	return queryRE.ReplaceAllString(s, "${1}"+Mark)
}

// URL is Text for one URL (which need not parse).
func URL(u string) string { return Text(u) }

// Name reports whether a variable name looks like it holds a secret.
func Name(name string) bool { return nameRE.MatchString(name) }

// Knobs are the environment variables of the bundled scenarios and
// targets whose values describe a run and are kept in results (URLs
// through Text).
var Knobs = map[string]bool{
	"TARGET": true, "TARGET_B": true, "MODEL": true, "MODEL_A": true, "MODEL_B": true,
	"LLM_BASE_URL": true, "LLM_MODEL": true, "DURATION": true, "RATE": true, "MAX_VUS": true,
	"MAX_TOKENS": true, "PROMPT_TOKENS": true, "PROMPT_STDDEV": true, "PROMPT_SEED": true,
	"PROMPT_COUNT": true, "SLO_TTFT_P95": true, "SLO_TTFT_P99": true, "SLO_TPOT_P95": true,
	"SLO_FAILURE_RATE": true, "GRACEFUL_STOP": true, "STEP": true, "RAMP": true,
	"SWEEP_LEVELS": true, "USERS": true, "TURNS": true, "THINK_TIME": true, "TICKS": true,
	"REQUEST_TIMEOUT": true, "DATASET": true, "DATASET_FORMAT": true,
}

// EnvValue returns what may be written of the variable name=value.
func EnvValue(name, value string) string {
	if Name(name) {
		return Mark
	}
	if Knobs[name] || plain(value) {
		return Text(value)
	}
	return Mark
}

// Env returns a copy of env with each value passed through EnvValue.
func Env(env map[string]string) map[string]string {
	if env == nil {
		return nil
	}
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = EnvValue(k, v)
	}
	return out
}

// plain reports whether v is a number, a duration, a boolean or empty:
// values that carry no secret.
func plain(v string) bool {
	if v == "" || v == "true" || v == "false" {
		return true
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return true
	}
	_, err := time.ParseDuration(v)
	return err == nil
}

// Args redacts a command line: the value of each -e/--env NAME=VALUE
// through EnvValue, and every argument through Text.
func Args(args []string) []string {
	out := make([]string, len(args))
	envNext := false
	for i, a := range args {
		switch {
		case envNext:
			a = envArg(a)
			envNext = false
		case a == "-e" || a == "--env":
			envNext = true
		case strings.HasPrefix(a, "--env="):
			a = "--env=" + envArg(strings.TrimPrefix(a, "--env="))
		case strings.HasPrefix(a, "-e") && !strings.HasPrefix(a, "--") && strings.Contains(a, "="):
			a = "-e" + envArg(strings.TrimPrefix(a, "-e"))
		}
		out[i] = Text(a)
	}
	return out
}

// envArg redacts one NAME=VALUE.
func envArg(kv string) string {
	k, v, ok := strings.Cut(kv, "=")
	if !ok {
		return kv
	}
	return k + "=" + EnvValue(k, v)
}
