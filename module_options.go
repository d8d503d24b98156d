package llm

import (
	"fmt"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/duration"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// clientOptions is what `new llm.Client({…})` configures.
type clientOptions struct {
	cfg  Config
	tags map[string]string
	slo  SLO
}

// parseClientOptions reads {baseURL, apiKey, model, timeout, headers, tags,
// slo}. Unknown keys are rejected so that typos (base_url) are not silently
// ignored.
func parseClientOptions(rt *sobek.Runtime, v sobek.Value) (clientOptions, error) {
	o := clientOptions{cfg: Config{BaseURL: DefaultBaseURL, Timeout: DefaultTimeout}}
	if isNullish(v) {
		return o, nil
	}
	obj := v.ToObject(rt)
	var err error
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		if isNullish(val) {
			continue
		}
		switch k {
		case "baseURL":
			o.cfg.BaseURL = val.String()
		case "apiKey":
			o.cfg.APIKey = val.String()
		case "model":
			o.cfg.Model = val.String()
		case "timeout":
			o.cfg.Timeout, err = jsDuration(val, "timeout")
		case "headers":
			o.cfg.Headers, err = stringMap(rt, val, "headers")
		case "tags":
			o.tags, err = stringMap(rt, val, "tags")
		case "slo":
			o.slo, err = parseSLO(rt, val)
		case "timestamps":
			switch val.String() {
			case "kernel":
				o.cfg.UserClock = false
			case "user":
				o.cfg.UserClock = true
			default:
				err = fmt.Errorf("timestamps: want 'kernel' or 'user', got %q", val.String())
			}
		default:
			err = fmt.Errorf("unknown option %q (want baseURL, apiKey, model, timeout, headers, tags, slo, timestamps)", k)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

func parseSLO(rt *sobek.Runtime, v sobek.Value) (SLO, error) {
	var s SLO
	obj := v.ToObject(rt)
	for _, k := range obj.Keys() {
		var dst *time.Duration
		switch k {
		case "ttft":
			dst = &s.TTFT
		case "tpot":
			dst = &s.TPOT
		case "e2e":
			dst = &s.E2E
		default:
			return s, fmt.Errorf("slo: unknown key %q (want ttft, tpot, e2e)", k)
		}
		d, err := jsDuration(obj.Get(k), "slo."+k)
		if err != nil {
			return s, err
		}
		*dst = d
	}
	return s, nil
}

// requestParams is the optional second argument of chat/complete.
type requestParams struct {
	tags map[string]string
	opts RequestOptions
}

func parseParams(rt *sobek.Runtime, v sobek.Value) (requestParams, error) {
	var p requestParams
	if isNullish(v) {
		return p, nil
	}
	obj := v.ToObject(rt)
	var err error
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		switch k {
		case "tags":
			p.tags, err = stringMap(rt, val, "params.tags")
		case "headers":
			p.opts.Headers, err = stringMap(rt, val, "params.headers")
		case "timeout":
			p.opts.Timeout, err = jsDuration(val, "params.timeout")
		default:
			err = fmt.Errorf("params: unknown key %q (want tags, headers, timeout)", k)
		}
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// jsDuration reads a duration option the way k6 does (internal/duration):
// a string in k6's grammar ("120s", "1m30s", "1d", "1500" = 1.5s) or a
// number of milliseconds. A negative duration is an error.
func jsDuration(v sobek.Value, what string) (time.Duration, error) {
	var d time.Duration
	var err error
	switch x := v.Export().(type) {
	case string:
		d, err = duration.Parse(x)
	case int64:
		d, err = duration.FromMillis(float64(x))
	case float64:
		d, err = duration.FromMillis(x)
	default:
		return 0, fmt.Errorf("%s: want a duration string or milliseconds, got %s", what, v.String())
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s: negative duration %s", what, v.String())
	}
	return d, nil
}

// stringMap reads a JS object of string, number or boolean values (tags,
// headers) with the one tag-value formatter, modules.TagValue: numbers
// print as JavaScript prints them (1e21 → "1e+21"), as k6 formats metric
// tags. null and undefined give nil.
func stringMap(rt *sobek.Runtime, v sobek.Value, what string) (map[string]string, error) {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return nil, nil
	}
	m, err := modules.UserTags(rt, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return m, nil
}
