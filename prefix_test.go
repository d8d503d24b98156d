package llm

import (
	"strings"
	"testing"
)

// TestSharedPrefixPrompts: with prefixTokens and prefixGroups, prompt i
// starts with prefix i mod groups (exactly prefixTokens words, the same
// for every prompt of the group, different between groups), followed by
// tokens unique words.
func TestSharedPrefixPrompts(t *testing.T) {
	t.Parallel()
	g := NewPromptGenerator(PromptSpec{Tokens: 20, Seed: 4, PrefixTokens: 50, PrefixGroups: 3})
	prefixes := map[int]string{}
	suffixes := map[string]bool{}
	for i := 0; i < 30; i++ {
		w := strings.Fields(g.Next())
		if len(w) != 70 {
			t.Fatalf("prompt %d has %d words, want 50 + 20", i, len(w))
		}
		pre, suf := strings.Join(w[:50], " "), strings.Join(w[50:], " ")
		if p, ok := prefixes[i%3]; ok && p != pre {
			t.Errorf("prompt %d: prefix differs from its group's", i)
		}
		prefixes[i%3] = pre
		if suffixes[suf] {
			t.Errorf("prompt %d repeats a unique part", i)
		}
		suffixes[suf] = true
	}
	if prefixes[0] == prefixes[1] || prefixes[1] == prefixes[2] {
		t.Error("two groups share a prefix")
	}
	// The unique parts are those of a generator without prefixes.
	plain := NewPromptGenerator(PromptSpec{Tokens: 20, Seed: 4})
	g2 := NewPromptGenerator(PromptSpec{Tokens: 20, Seed: 4, PrefixTokens: 5})
	if w := strings.Fields(g2.Next()); strings.Join(w[5:], " ") != plain.Next() {
		t.Error("the prefix changed the unique part's draws")
	}
}

func TestModuleSharedPrefix(t *testing.T) {
	t.Parallel()
	v := loadModule(t)
	res, err := v.RT.RunString(`
		const p = llm.syntheticPrompts(4, {tokens: 3, prefixTokens: 10, prefixGroups: 2, seed: 1});
		const pre = (s) => s.split(' ').slice(0, 10).join(' ');
		[p.length, p[0].split(' ').length, pre(p[0]) === pre(p[2]), pre(p[0]) === pre(p[1])].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "4,13,true,false"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := v.RT.RunString(`llm.syntheticPrompts(1, {tokens: 3, prefixGroups: 2})`); err == nil || !strings.Contains(err.Error(), "prefixGroups needs prefixTokens") {
		t.Errorf("prefixGroups without prefixTokens: %v", err)
	}
}
