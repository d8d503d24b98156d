package llm

import (
	"fmt"
	"math"
	"time"

	"github.com/grafana/sobek"
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
			o.cfg.Timeout, err = duration(val, "timeout")
		case "headers":
			o.cfg.Headers, err = tagMap(rt, val, "headers")
		case "tags":
			o.tags, err = tagMap(rt, val, "tags")
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
		d, err := duration(obj.Get(k), "slo."+k)
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
	opts Options
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
			p.tags, err = tagMap(rt, val, "params.tags")
		case "headers":
			p.opts.Headers, err = tagMap(rt, val, "params.headers")
		case "timeout":
			p.opts.Timeout, err = duration(val, "params.timeout")
		default:
			err = fmt.Errorf("params: unknown key %q (want tags, headers, timeout)", k)
		}
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// duration reads a k6-style duration: a Go duration string ("120s",
// "1m30s", "500ms") or a number of milliseconds.
func duration(v sobek.Value, what string) (time.Duration, error) {
	switch x := v.Export().(type) {
	case string:
		d, err := time.ParseDuration(x)
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a duration such as \"500ms\" or \"2m\"", what, x)
		}
		if d < 0 {
			return 0, fmt.Errorf("%s: negative duration %q", what, x)
		}
		return d, nil
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("%s: negative duration %d", what, x)
		}
		return time.Duration(x) * time.Millisecond, nil
	case float64:
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("%s: invalid duration %v", what, x)
		}
		return time.Duration(x * float64(time.Millisecond)), nil
	}
	return 0, fmt.Errorf("%s: want a duration string or milliseconds, got %s", what, v.String())
}
