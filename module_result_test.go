package llm

import (
	"testing"
	"time"

	"github.com/grafana/sobek"
)

// sampleResult is a 128-token streamed result.
func sampleResult() *Result {
	r := &Result{OK: true, Status: 200, ID: "chatcmpl-1", Model: "m", Content: "tok tok", FinishReason: "length", Chunks: 130, OutputTokens: 128, InputTokens: 3, TokenSource: "usage",
		Headers: map[string]string{"Content-Type": "text/event-stream", "Date": "x", "Cache-Control": "no-cache"}}
	now := time.Now()
	r.Timing.Send = now
	for i := range 128 {
		r.Timing.Token(now.Add(time.Duration(20+2*i)*time.Millisecond), true)
	}
	r.Timing.End = now.Add(300 * time.Millisecond)
	return r
}

// BenchmarkResultObject is the per-request cost of the JS Result object.
func BenchmarkResultObject(b *testing.B) {
	rt := sobek.New()
	r := sampleResult()
	b.ReportAllocs()
	for b.Loop() {
		resultObject(rt, r)
	}
}

// TestResultObjectLazy: itl and headers, built on first read, behave as
// plain data properties to scripts — enumerable, stable, JSON-encoded,
// assignable in strict code.
func TestResultObjectLazy(t *testing.T) {
	rt := sobek.New()
	if err := rt.Set("r", resultObject(rt, sampleResult())); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ expr, want string }{
		{`r.itl.length`, "127"},
		{`r.itl[0]`, "2"},
		{`r.itl === r.itl`, "true"},
		{`r.headers['Content-Type']`, "text/event-stream"},
		{`Object.keys(r).includes('itl') && Object.keys(r).includes('headers')`, "true"},
		{`JSON.parse(JSON.stringify(r)).itl.length`, "127"},
		{`JSON.parse(JSON.stringify(r)).headers.Date`, "x"},
		{`(function () { 'use strict'; r.itl = [1]; r.headers = null; return r.itl.length + ',' + r.headers; })()`, "1,null"},
		{`r.ttft`, "20"},
	}
	for _, tt := range tests {
		v, err := rt.RunString(tt.expr)
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if got := v.String(); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
		}
	}
}
