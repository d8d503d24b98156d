package threshold

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/internal/metrics"
)

func TestParseExpr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, agg, op string
		value              float64
		wantErr            string
	}{
		{name: "percentile", src: "p(95)<200", agg: "p(95)", op: "<", value: 200},
		{name: "spaces", src: "  avg  <=  100.5 ", agg: "avg", op: "<=", value: 100.5},
		{name: "ge", src: "rate>=0.99", agg: "rate", op: ">=", value: 0.99},
		{name: "gt", src: "count>10", agg: "count", op: ">", value: 10},
		{name: "strict eq", src: "value===3", agg: "value", op: "===", value: 3},
		{name: "eq", src: "max==3", agg: "max", op: "==", value: 3},
		{name: "ne", src: "min!=0", agg: "min", op: "!=", value: 0},
		{name: "decimal percentile", src: "p(99.9) < 1e3", agg: "p(99.9)", op: "<", value: 1000},
		{name: "negative", src: "value>-1", agg: "value", op: ">", value: -1},
		{name: "no operator", src: "p(95)", wantErr: "no valid comparison operator"},
		{name: "empty rhs", src: "avg<", wantErr: "no valid comparison operator"},
		{name: "bad number", src: "avg<abc", wantErr: `"abc" is not a valid number`},
		{name: "ge empty falls to gt", src: "avg>=", wantErr: `"=" is not a valid number`},
		{name: "unknown agg", src: "p95<3", wantErr: `unsupported aggregation method "p95"`},
		{name: "bad percentile", src: "p(abc)<3", wantErr: "malformed percentile"},
		{name: "percentile out of range", src: "p(101)<3", wantErr: "between 0 and 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			agg, op, v, err := ParseExpr(tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseExpr(%q) error = %v, want %q", tc.src, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseExpr(%q): %v", tc.src, err)
			}
			if agg != tc.agg || op != tc.op || v != tc.value {
				t.Errorf("ParseExpr(%q) = %q %q %v, want %q %q %v", tc.src, agg, op, v, tc.agg, tc.op, tc.value)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op   string
		v, t float64
		want bool
	}{
		{"<", 1, 2, true}, {"<", 2, 2, false}, {"<=", 2, 2, true}, {">", 3, 2, true},
		{">=", 2, 2, true}, {"==", 2, 2, true}, {"===", 2, 3, false}, {"!=", 2, 3, true}, {"?", 1, 1, false},
	}
	for _, tc := range tests {
		if got := Compare(tc.v, tc.op, tc.t); got != tc.want {
			t.Errorf("Compare(%v %s %v) = %v, want %v", tc.v, tc.op, tc.t, got, tc.want)
		}
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, metric, suffix string
		tags                      map[string]string
		wantErr                   string
	}{
		{name: "plain", key: "http_req_duration", metric: "http_req_duration"},
		{name: "one tag", key: "http_req_duration{status:200}", metric: "http_req_duration", suffix: "status:200", tags: map[string]string{"status": "200"}},
		{name: "quotes and spaces", key: `m { k : "v" , k2:'a b' }`, metric: "m", suffix: `k : "v" , k2:'a b'`, tags: map[string]string{"k": "v", "k2": "a b"}},
		{name: "colon in value", key: "m{url:http://x}", metric: "m", suffix: "url:http://x", tags: map[string]string{"url": "http://x"}},
		{name: "unmatched", key: "m{a:b", wantErr: "unmatched"},
		{name: "reversed", key: "m}a:b{", wantErr: "before opening"},
		{name: "not last", key: "m{a:b}x", wantErr: "last position"},
		{name: "empty value", key: "m{a:}", wantErr: "malformed tag"},
		{name: "no colon", key: "m{a}", wantErr: "malformed tag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, s, tags, err := ParseKey(tc.key)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseKey(%q) error = %v, want %q", tc.key, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m != tc.metric || s != tc.suffix || !cmp.Equal(tags, tc.tags, cmpopts.EquateEmpty()) {
				t.Errorf("ParseKey(%q) = %q %q %v", tc.key, m, s, tags)
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	in := `{
		"http_req_duration": ["p(95)<200", "avg<100"],
		"http_req_duration{status:200}": ["max<1000"],
		"checks": [{"threshold": "rate>0.99", "abortOnFail": true, "delayAbortEval": "10s"}],
		"llm_ttft": [{"threshold": "p(99)<500", "delayAbortEval": 1500}]
	}`
	set, err := Parse(json.RawMessage(in))
	if err != nil {
		t.Fatal(err)
	}
	type flat struct {
		Name, Metric, Suffix string
		Tags                 map[string]string
		Th                   []Threshold
	}
	var got []flat
	for _, e := range set {
		f := flat{Name: e.Name, Metric: e.Metric, Suffix: e.Suffix, Tags: e.Tags.Map()}
		for _, th := range e.Thresholds {
			f.Th = append(f.Th, *th)
		}
		got = append(got, f)
	}
	want := []flat{
		{Name: "checks", Metric: "checks", Th: []Threshold{{Source: "rate>0.99", Agg: "rate", Op: ">", Value: 0.99, AbortOnFail: true, DelayAbortEval: 10 * time.Second}}},
		{Name: "http_req_duration", Metric: "http_req_duration", Th: []Threshold{
			{Source: "p(95)<200", Agg: "p(95)", Op: "<", Value: 200}, {Source: "avg<100", Agg: "avg", Op: "<", Value: 100}}},
		{Name: "http_req_duration{status:200}", Metric: "http_req_duration", Suffix: "status:200", Tags: map[string]string{"status": "200"},
			Th: []Threshold{{Source: "max<1000", Agg: "max", Op: "<", Value: 1000}}},
		{Name: "llm_ttft", Metric: "llm_ttft", Th: []Threshold{{Source: "p(99)<500", Agg: "p(99)", Op: "<", Value: 500, DelayAbortEval: 1500 * time.Millisecond}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"not object", `[1]`, "must be an object"},
		{"not array", `{"a": "p(95)<1"}`, "must be an array"},
		{"bad expr", `{"a": ["p(95)"]}`, "invalid threshold defined on a"},
		{"object without threshold", `{"a": [{"abortOnFail": true}]}`, "no threshold expression"},
		{"unknown field", `{"a": [{"threshold": "avg<1", "abort": true}]}`, "unknown field"},
		{"bad delay", `{"a": [{"threshold": "avg<1", "delayAbortEval": "soon"}]}`, "delayAbortEval"},
		{"bad key", `{"a{b": ["avg<1"]}`, "unmatched"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(json.RawMessage(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse(%s) error = %v, want %q", tc.in, err, tc.want)
			}
		})
	}
	if s, err := Parse(json.RawMessage(" null ")); err != nil || s != nil {
		t.Errorf("Parse(null) = %v, %v", s, err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	metrics.RegisterBuiltins(reg)
	reg.MustNewMetric("my_counter", metrics.Counter)
	tests := []struct{ name, in, want string }{
		{"ok", `{"iterations": ["count>1", "rate<2"], "vus": ["value<3"], "checks": ["rate>0.9"], "iteration_duration{scenario:a}": ["p(99.9)<1", "med<2"]}`, ""},
		{"unknown metric", `{"nope": ["avg<1"]}`, `invalid threshold defined on nope; reason: no metric name "nope" found`},
		{"unknown parent", `{"nope{a:b}": ["avg<1"]}`, `no metric name "nope" found`},
		{"wrong agg", `{"my_counter": ["avg<1"]}`, `invalid threshold "avg<1" applied on metric my_counter; reason: unsupported aggregation method avg on metric of type counter. supported aggregation methods for this metric are: count, rate`},
		{"gauge", `{"vus": ["max<1"]}`, "supported aggregation methods for this metric are: value"},
		{"trend", `{"iteration_duration": ["rate<1"]}`, "are: avg, min, max, med, p(N)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set, err := Parse(json.RawMessage(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			err = set.Validate(reg)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate error = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestDelayAbortEval reads delayAbortEval through k6's one duration
// grammar (internal/duration): before it, this package read "2d-3h" as
// 45h and "-1d2h" as -22h where k6 rejects the first and reads -26h.
func TestDelayAbortEval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: `"10s"`, want: 10 * time.Second},
		{in: `"1m30s"`, want: 90 * time.Second},
		{in: `"2d3h"`, want: 51 * time.Hour},
		{in: `"1d"`, want: 24 * time.Hour},
		{in: `"250"`, want: 250 * time.Millisecond},
		{in: `250`, want: 250 * time.Millisecond},
		{in: `null`, want: 0},
		{in: `"-1d2h"`, want: -26 * time.Hour},
		{in: `"2d-3h"`, wantErr: true},
		{in: `"xd"`, wantErr: true},
	}
	for _, tc := range tests {
		raw := `{"http_req_duration": [{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": ` + tc.in + `}]}`
		set, err := Parse(json.RawMessage(raw))
		if tc.wantErr {
			if err == nil {
				t.Errorf("delayAbortEval %s accepted, want an error", tc.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("delayAbortEval %s: %v", tc.in, err)
			continue
		}
		if got := set[0].Thresholds[0].DelayAbortEval; got != tc.want {
			t.Errorf("delayAbortEval %s = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestMarshalJSON(t *testing.T) {
	t.Parallel()
	ths := []*Threshold{{Source: "avg<1"}, {Source: "rate<0.1", AbortOnFail: true, DelayAbortEval: 10 * time.Second}}
	b, err := json.Marshal(ths)
	if err != nil {
		t.Fatal(err)
	}
	want := `["avg\u003c1",{"threshold":"rate\u003c0.1","abortOnFail":true,"delayAbortEval":"10s"}]`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

// FuzzParseExpr checks that the expression parser never panics and that
// whatever it accepts is a known aggregation, a known operator and a value
// that round-trips through its own output.
func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{"p(95)<200", "avg<=1", "rate>=0.9", "count>1", "value===1", "max==2", "min!=3",
		"p(99.9) < 1e3", "<", "p(<1", "avg<>1", "=== 1", "p()<1", " med  >  -0.5 ", "rate<NaN", "p(1e2)<1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		agg, op, v, err := ParseExpr(src)
		if err != nil {
			return
		}
		known := false
		for _, o := range operators {
			known = known || o == op
		}
		if !known {
			t.Fatalf("ParseExpr(%q) returned operator %q", src, op)
		}
		if checkAgg(agg) != nil {
			t.Fatalf("ParseExpr(%q) returned aggregation %q", src, agg)
		}
		agg2, op2, v2, err := ParseExpr(agg + op + strings.TrimSpace(src[strings.Index(src, op)+len(op):]))
		if err != nil || agg2 != agg || op2 != op || !(v2 == v || v != v && v2 != v2) {
			t.Fatalf("round trip of %q: %q %q %v %v", src, agg2, op2, v2, err)
		}
	})
}

// FuzzParseKey checks that key parsing never panics and that an accepted
// submetric key has tags and rebuilds to a key that parses the same.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"m", "m{a:b}", `m{ a : "b" ,c:'d'}`, "m{a:b", "m}{", "m{a}", "m{:b}", "{a:b}", "m{a:b}}", "m{{a:b}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		m, suffix, tags, err := ParseKey(key)
		if err != nil || suffix == "" {
			return
		}
		if len(tags) == 0 {
			t.Fatalf("ParseKey(%q) accepted a submetric without tags", key)
		}
		m2, suffix2, tags2, err := ParseKey(m + "{" + suffix + "}")
		if err != nil || m2 != m || suffix2 != suffix || !cmp.Equal(tags, tags2) {
			t.Fatalf("ParseKey(%q) does not round-trip: %q %q %v %v", key, m2, suffix2, tags2, err)
		}
	})
}
