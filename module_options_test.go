package llm

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules/modulestest"
)

// TestOptionsDurations reads the client's timeout, a request's
// params.timeout and the SLO limits in k6's duration grammar
// (internal/duration), as the test options are read: '1d' and '1500'
// (milliseconds, as k6 reads a bare numeric string) used to fail here.
func TestOptionsDurations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		js   string
		want time.Duration
		err  string
	}{
		{js: `'1d'`, want: 24 * time.Hour},
		{js: `'1500'`, want: 1500 * time.Millisecond},
		{js: `'1d2h'`, want: 26 * time.Hour},
		{js: `'90s'`, want: 90 * time.Second},
		{js: `1500`, want: 1500 * time.Millisecond},
		{js: `2.5`, want: 2500 * time.Microsecond},
		{js: `'2d-3h'`, err: `invalid duration "2d-3h"`},
		{js: `'-1d2h'`, err: "negative duration"},
		{js: `-1`, err: "negative duration"},
		{js: `'soon'`, err: `invalid duration "soon"`},
		{js: `NaN`, err: "invalid duration"},
		{js: `true`, err: "want a duration string or milliseconds"},
	}
	for _, tc := range tests {
		t.Run(tc.js, func(t *testing.T) {
			rt := sobek.New()
			v, err := rt.RunString(`({timeout: ` + tc.js + `, slo: {e2e: ` + tc.js + `}})`)
			if err != nil {
				t.Fatal(err)
			}
			o, err := parseClientOptions(rt, v)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("timeout %s: err = %v, want %q", tc.js, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("timeout %s: %v", tc.js, err)
			}
			if o.cfg.Timeout != tc.want || o.slo.E2E != tc.want {
				t.Errorf("timeout %s = %v, slo.e2e = %v; want %v", tc.js, o.cfg.Timeout, o.slo.E2E, tc.want)
			}
			p, err := rt.RunString(`({timeout: ` + tc.js + `})`)
			if err != nil {
				t.Fatal(err)
			}
			params, err := parseParams(rt, p)
			if err != nil || params.opts.Timeout != tc.want {
				t.Errorf("params.timeout %s = %v, %v; want %v", tc.js, params.opts.Timeout, err, tc.want)
			}
		})
	}
}

// TestOptionsTags formats tag and header values with the engine's one
// tag-value formatter (modules.TagValue), as k6 formats metric tags: a
// number prints as JavaScript prints it. The llm module used to print
// 1e21 as "1000000000000000000000" and 1e-7 as "0.0000001".
func TestOptionsTags(t *testing.T) {
	t.Parallel()
	rt := sobek.New()
	v, err := rt.RunString(`({tags: {big: 1e21, small: 1e-7, n: 1.5, b: true, s: 'x'}, headers: {'X-N': 2}})`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := parseClientOptions(rt, v)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"big": "1e+21", "small": "1e-7", "n": "1.5", "b": "true", "s": "x"}
	if diff := cmp.Diff(want, o.tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if got := o.cfg.Headers["X-N"]; got != "2" {
		t.Errorf("header X-N = %q, want \"2\"", got)
	}
}

func TestClientOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, js, err string
	}{
		{"defaults", `new llm.Client()`, ""},
		{"full", `new llm.Client({baseURL:'http://x/v1', apiKey:'k', model:'m', timeout:'5s', headers:{A:'1'}, tags:{target:'v', n:1}, slo:{ttft:'500ms', tpot:50, e2e:'30s'}})`, ""},
		{"unknown key", `new llm.Client({base_url:'x'})`, `unknown option "base_url"`},
		{"bad duration", `new llm.Client({timeout:'soon'})`, `timeout: invalid duration "soon"`},
		{"bad slo", `new llm.Client({slo:{ttfb:'1s'}})`, `slo: unknown key "ttfb"`},
		{"bad scheme", `new llm.Client({baseURL:'ftp://x'})`, `scheme must be http or https`},
		{"bad tag", `new llm.Client({tags:{a:{}}})`, `tags: only String, Boolean and Number types`},
		{"timestamps", `new llm.Client({timestamps:'user'}); new llm.Client({timestamps:'kernel'})`, ""},
		{"bad timestamps", `new llm.Client({timestamps:'tsc'})`, `timestamps: want 'kernel' or 'user', got "tsc"`},
		{"init context", `new llm.Client().chat({})`, `cannot be called in the init context`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := modulestest.New(t)
			v.Load(t, New(), "llm")
			_, err := v.RT.RunString(tc.js)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
	t.Run("parsed", func(t *testing.T) {
		rt := sobek.New()
		v, err := rt.RunString(`({baseURL:'http://x/v1', apiKey:'k', model:'m', timeout:1500, headers:{A:'1'}, tags:{n:1, b:true}, slo:{ttft:'500ms', tpot:50}, timestamps:'user'})`)
		if err != nil {
			t.Fatal(err)
		}
		o, err := parseClientOptions(rt, v)
		if err != nil {
			t.Fatal(err)
		}
		want := clientOptions{
			cfg:  Config{BaseURL: "http://x/v1", APIKey: "k", Model: "m", Timeout: 1500 * time.Millisecond, Headers: map[string]string{"A": "1"}, UserClock: true},
			tags: map[string]string{"n": "1", "b": "true"},
			slo:  SLO{TTFT: 500 * time.Millisecond, TPOT: 50 * time.Millisecond},
		}
		if diff := cmp.Diff(want, o, cmp.AllowUnexported(clientOptions{})); diff != "" {
			t.Errorf("options (-want +got):\n%s", diff)
		}
	})
}
