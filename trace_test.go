package llm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTrace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, format string
		want               []TraceRecord
		err                string
	}{
		{"mooncake", "{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 20, \"hash_ids\": [1, 2]}\n\n{\"timestamp\": 27.5, \"input_length\": 10, \"output_length\": 3, \"hash_ids\": []}\n", "mooncake",
			[]TraceRecord{{0, 600, 20, []int64{1, 2}, ""}, {27.5, 10, 3, nil, ""}}, ""},
		{"mooncake detected", `{"timestamp": 5, "input_length": 1, "output_length": 1}`, "",
			[]TraceRecord{{5, 1, 1, nil, ""}}, ""},
		{"mooncake not json", "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n{oops", "mooncake", nil, "line 2: not a JSON object"},
		{"mooncake missing", `{"timestamp": 0, "output_length": 1}`, "mooncake", nil, "line 1: input_length: want a non-negative number, got nothing"},
		{"mooncake negative", `{"timestamp": -3, "input_length": 1, "output_length": 1}`, "mooncake", nil, "timestamp: want a non-negative number, got -3"},
		{"mooncake hash_ids", `{"timestamp": 0, "input_length": 1, "output_length": 1, "hash_ids": ["a"]}`, "mooncake", nil, `hash_ids: want integers, got "a"`},
		{"burstgpt", "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,472,18,490,Conversation log\n45.5,GPT-4,1087,0,1087,API log\n", "burstgpt",
			[]TraceRecord{{5000, 472, 18, nil, "ChatGPT"}, {45500, 1087, 0, nil, "GPT-4"}}, ""},
		{"burstgpt detected, columns in any order", "response tokens,timestamp,request tokens\n7,1,9\n", "",
			[]TraceRecord{{1000, 9, 7, nil, ""}}, ""},
		{"burstgpt missing column", "Timestamp,Model,Request tokens\n1,m,2\n", "burstgpt", nil, `lacks the "Response tokens" column`},
		{"burstgpt bad number", "Timestamp,Request tokens,Response tokens\n1,2,x\n", "burstgpt", nil, `line 2: Response tokens "x"`},
		{"burstgpt empty", "", "burstgpt", nil, "burstgpt trace: empty"},
		{"unknown format", "x", "azure", nil, `trace format "azure": want mooncake or burstgpt`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTrace(tc.text, tc.format)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTracePrompt(t *testing.T) {
	t.Parallel()
	words := func(s string) []string { return strings.Fields(s) }
	common := func(a, b []string) int {
		n := 0
		for n < len(a) && n < len(b) && a[n] == b[n] {
			n++
		}
		return n
	}
	a := words(TracePrompt(40, []int64{1, 2, 3}, 8, 0))
	b := words(TracePrompt(40, []int64{1, 2, 9}, 8, 0))
	c := words(TracePrompt(40, []int64{1, 2, 3}, 8, 1))
	d := words(TracePrompt(20, []int64{7}, 8, 5))
	if len(a) != 40 || len(d) != 20 {
		t.Fatalf("lengths %d, %d; want 40, 20", len(a), len(d))
	}
	if n := common(a, b); n < 16 || n >= 24 {
		t.Errorf("records sharing 2 of 3 blocks share %d words, want the 16 of two blocks (and not the third)", n)
	}
	if n := common(a, c); n < 24 || n >= 40 {
		t.Errorf("same hash IDs, other salt: %d common words, want the 24 hashed, then a difference", n)
	}
	if TracePrompt(40, []int64{1, 2, 3}, 8, 0) != strings.Join(a, " ") {
		t.Error("TracePrompt is not repeatable")
	}
}

func TestModuleTrace(t *testing.T) {
	t.Parallel()
	v := loadModule(t)
	res, err := v.RT.RunString(`
		const recs = llm.parseTrace('{"timestamp": 10, "input_length": 12, "output_length": 4, "hash_ids": [5, 6]}\n', 'mooncake');
		const r = recs[0];
		const p = llm.tracePrompt(r, {blockTokens: 8, salt: 3});
		[recs.length, r.timestamp, r.inputLength, r.outputLength, r.hashIds.join('+'), p.split(' ').length,
		 p === llm.tracePrompt({inputLength: 12, hashIds: [5, 6]}, {blockTokens: 8, salt: 3})].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "1,10,12,4,5+6,12,true"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	for js, want := range map[string]string{
		`llm.parseTrace('x', 'csv')`:                         `trace format "csv"`,
		`llm.parseTrace()`:                                   "the trace text is required",
		`llm.tracePrompt({inputLength: 0})`:                  "inputLength: want a positive number",
		`llm.tracePrompt({inputLength: 3}, {block: 2})`:      `unknown option "block"`,
		`llm.tracePrompt({inputLength: 3, hashIds: 'nope'})`: "hashIds: want an array",
	} {
		if _, err := v.RT.RunString(js); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", js, err, want)
		}
	}
}
