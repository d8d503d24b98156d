//go:build e2e

package e2e

import (
	"encoding/json"
	"strconv"
	"testing"
)

// aimock's request counter for the chat endpoint, by status label.
const aimockRequests = "aimock_requests_total"

var chatPath = `path="/v1/chat/completions"`

// TestAimockChaos drives llmbench through each of aimock's fault modes and
// compares what llmbench counted with aimock's own counters: every request
// it served is one llmbench result, classified by the fault it injected.
func TestAimockChaos(t *testing.T) {
	root := envURL(t, "LLMBENCH_E2E_AIMOCK_URL", "an aimock server started with --metrics and -f e2e/testdata/aimock")
	const n = 12
	modes := []struct {
		name    string
		headers map[string]string
		message string // fixture: "reply" streams fully, "cut-stream" is cut after a few chunks
		stream  bool
		// code is the llmbench error code ("" = ok); status the HTTP status
		// llmbench reports and label aimock's status label for the request.
		code, label string
		status      int
		action      string // aimock_chaos_triggered_total action, "" = none
	}{
		{name: "ok_stream", message: "reply", stream: true, label: "200", status: 200},
		{name: "ok_json", message: "reply", label: "200", status: 200},
		{name: "drop_500", headers: map[string]string{"x-aimock-chaos-drop": "1"}, message: "reply", stream: true, code: "http_5xx", label: "500", status: 500, action: "drop"},
		{name: "ratelimit_429", headers: map[string]string{"x-aimock-chaos-ratelimit": "1"}, message: "reply", stream: true, code: "http_429", label: "429", status: 429, action: "rateLimit"},
		{name: "malformed_stream", headers: map[string]string{"x-aimock-chaos-malformed": "1"}, message: "reply", stream: true, code: "malformed_chunk", label: "200", status: 200, action: "malformed"},
		{name: "malformed_json", headers: map[string]string{"x-aimock-chaos-malformed": "1"}, message: "reply", code: "malformed_chunk", label: "200", status: 200, action: "malformed"},
		{name: "disconnect", headers: map[string]string{"x-aimock-chaos-disconnect": "1"}, message: "reply", stream: true, code: "connection", label: "destroyed", status: 0, action: "disconnect"},
		{name: "cut_stream", message: "cut-stream", stream: true, code: "stream_cut", label: "destroyed", status: 200},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			before := metricsText(t, root+"/metrics")
			r := runChaos(t, root, m.name, m.message, m.stream, m.headers, n)
			after := metricsText(t, root+"/metrics")
			r.wantCode(t, 0)
			r.wantSummary(t)
			if len(r.records) != n {
				t.Fatalf("%d results, want %d", len(r.records), n)
			}
			for i, rec := range r.records {
				if rec.OK != (m.code == "") || rec.ErrorCode != m.code || rec.Status != m.status {
					t.Errorf("#%d: ok=%v errorCode=%q status=%d error=%q; want errorCode %q status %d",
						i, rec.OK, rec.ErrorCode, rec.Status, rec.Error, m.code, m.status)
				}
				if m.code == "http_429" && rec.RetryAfter == "" {
					t.Errorf("#%d: the 429's Retry-After header is missing from result.headers", i)
				}
				if m.code == "" && (rec.OutputTokens <= 0 || rec.Content == "") {
					t.Errorf("#%d: ok but %d output tokens, content %q", i, rec.OutputTokens, rec.Content)
				}
			}
			// Counted exactly once, on both sides.
			served := promSum(after, aimockRequests, chatPath) - promSum(before, aimockRequests, chatPath)
			if served != n {
				t.Errorf("aimock served %v chat requests for %d llmbench iterations (retried or lost requests)", served, n)
			}
			if d := promSum(after, aimockRequests, chatPath, `status="`+m.label+`"`) - promSum(before, aimockRequests, chatPath, `status="`+m.label+`"`); d != n {
				t.Errorf("aimock counted %v requests with status %q, want %d", d, m.label, n)
			}
			if m.action != "" {
				a := `action="` + m.action + `"`
				if d := promSum(after, "aimock_chaos_triggered_total", a) - promSum(before, "aimock_chaos_triggered_total", a); d != n {
					t.Errorf("aimock triggered %v %s faults, want %d", d, m.action, n)
				}
			}
			tags := map[string]string{"status": strconv.Itoa(m.status)}
			if m.code != "" {
				tags["error_code"] = m.code
			}
			if c := r.count("llm_requests", tags); c != n {
				t.Errorf("llm_requests%v = %v in the json output, want %d", tags, c, n)
			}
			if c := r.summary["llm_requests"]["count"]; c != n {
				t.Errorf("summary llm_requests count %v, want %d", c, n)
			}
			wantFailed := 0.0
			if m.code != "" {
				wantFailed = 1
			}
			if v := r.summary["llm_request_failed"]["value"]; v != wantFailed {
				t.Errorf("summary llm_request_failed rate %v, want %v", v, wantFailed)
			}
		})
	}

	// Every fault at once, at random: llmbench's classes must match aimock's
	// own tally of what it did.
	t.Run("mixed", func(t *testing.T) {
		const n = 60
		h := map[string]string{"x-aimock-chaos-drop": "0.15", "x-aimock-chaos-malformed": "0.15",
			"x-aimock-chaos-ratelimit": "0.2", "x-aimock-chaos-disconnect": "0.2"}
		before := metricsText(t, root+"/metrics")
		r := runChaos(t, root, "mixed", "reply", true, h, n)
		after := metricsText(t, root+"/metrics")
		r.wantCode(t, 0)
		r.wantSummary(t)
		delta := func(action string) float64 {
			a := `action="` + action + `"`
			return promSum(after, "aimock_chaos_triggered_total", a) - promSum(before, "aimock_chaos_triggered_total", a)
		}
		got := map[string]float64{}
		for _, rec := range r.records {
			got[rec.ErrorCode]++
		}
		want := map[string]float64{"http_5xx": delta("drop"), "malformed_chunk": delta("malformed"),
			"http_429": delta("rateLimit"), "connection": delta("disconnect")}
		want[""] = n - want["http_5xx"] - want["malformed_chunk"] - want["http_429"] - want["connection"]
		t.Logf("aimock's faults %v; llmbench's error codes %v", want, got)
		for code, w := range want {
			if got[code] != w {
				t.Errorf("error code %q: llmbench %v, aimock %v", code, got[code], w)
			}
			tags := map[string]string{}
			if code != "" {
				tags["error_code"] = code
			}
			c := r.count("llm_requests", tags)
			if code == "" {
				c = r.count("llm_requests", nil) - r.count("llm_request_failed", nil)
			}
			if c != w {
				t.Errorf("json output: %v llm_requests with error code %q, aimock %v", c, code, w)
			}
		}
		if served := promSum(after, aimockRequests, chatPath) - promSum(before, aimockRequests, chatPath); served != n {
			t.Errorf("aimock served %v chat requests for %d iterations", served, n)
		}
	})
}

func runChaos(t *testing.T, root, mode, message string, stream bool, headers map[string]string, n int) *result {
	t.Helper()
	h, _ := json.Marshal(headers)
	return run(t, runOpts{script: "chaos.js", env: map[string]string{
		"BASE": root + "/v1", "MODE": mode, "MESSAGE": message, "STREAM": strconv.FormatBool(stream),
		"HEADERS": string(h), "ITERATIONS": strconv.Itoa(n)}})
}
