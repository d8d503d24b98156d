package llm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPromptGenerator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec PromptSpec
		min  int
		max  int
	}{
		{"fixed", PromptSpec{Tokens: 100, Seed: 1}, 100, 100},
		{"spread", PromptSpec{Tokens: 100, Stddev: 10, Seed: 2}, 50, 150},
		{"tiny", PromptSpec{Tokens: 1, Stddev: 5, Seed: 3}, 1, 30},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := NewPromptGenerator(tc.spec), NewPromptGenerator(tc.spec)
			sum := 0
			for i := 0; i < 200; i++ {
				p := a.Next()
				if p != b.Next() {
					t.Fatal("same seed, different prompts")
				}
				n := len(strings.Fields(p))
				if n < tc.min || n > tc.max {
					t.Fatalf("prompt of %d words", n)
				}
				sum += n
			}
			if mean := float64(sum) / 200; tc.spec.Tokens > 10 && (mean < float64(tc.spec.Tokens)*0.95 || mean > float64(tc.spec.Tokens)*1.05) {
				t.Errorf("mean length %.1f, want about %d", mean, tc.spec.Tokens)
			}
		})
	}
}

func TestParseDataset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, format string
		want               []DatasetEntry
		err                string
	}{
		{"sharegpt", `[{"conversations":[{"from":"human","value":"q1"},{"from":"gpt","value":"a1"}]},
			{"conversations":[{"from":"gpt","value":"x"},{"from":"human","value":"y"}]},
			{"conversations":[{"from":"human","value":"lonely"}]}]`, "", []DatasetEntry{{Prompt: "q1", Reference: "a1"}}, ""},
		{"jsonl", "{\"prompt\":\"p\",\"completion\":\"c\"}\n\n{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"u\"}]}\n", "jsonl",
			[]DatasetEntry{{Prompt: "p", Reference: "c"}, {Prompt: "u", Messages: `[{"role":"system","content":"s"},{"role":"user","content":"u"}]`}}, ""},
		{"bad line", "{\"prompt\":\"p\"}\n{oops\n", "", nil, "line 2 is not valid JSON"},
		{"no prompt", `{"x":1}`, "", nil, `line 1 has neither`},
		{"bad format", `[]`, "csv", nil, `format "csv"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDataset(tc.text, tc.format)
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
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModulePrompts(t *testing.T) {
	t.Parallel()
	v := loadModule(t)
	res, err := v.RT.RunString(`
		const a = llm.syntheticPrompts(3, {tokens: 20, seed: 7});
		const g = new llm.PromptGenerator({tokens: 20, seed: 7});
		const d = llm.parseDataset('{"messages":[{"role":"user","content":"u"}]}');
		[a.length, a[0] === g.next(), a[0].split(' ').length, d[0].prompt, d[0].messages[0].role].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "3,true,20,u,user"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
