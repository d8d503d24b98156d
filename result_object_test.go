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

// TestResultObjectLazy: the Result object's fields, converted on read, and
// itl and headers, built on first read, behave as plain data properties to
// scripts — enumerable in order, stable, JSON-encoded, assignable and
// deletable in strict code, with room for the script's own properties.
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
		{`Object.keys(r).slice(0, 3).join()`, "ok,status,error"},
		{`'ttft' in r && r.hasOwnProperty('firstTokenAt') && !('nope' in r)`, "true"},
		{`typeof r.sentAt === 'number' && Math.round(r.firstTokenAt - r.sentAt)`, "20"},
		{`(function () { 'use strict'; r.note = 'x'; return Object.keys(r).pop() + JSON.parse(JSON.stringify(r)).note; })()`, "notex"},
		{`(function () { 'use strict'; delete r.note; delete r.content; return ('note' in r) + ',' + ('content' in r) + ',' + Object.keys(r).includes('content'); })()`, "false,false,false"},
		{`(function () { 'use strict'; r.content = 'back'; return r.content + Object.keys(r).includes('content'); })()`, "backtrue"},
		{`({ ...r }).ok`, "true"},
		{`r.unknown === undefined`, "true"},
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
