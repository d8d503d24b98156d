package llm

import (
	"math"
	"math/rand/v2"
	"strings"
)

// promptWords are common English words that common BPE tokenizers (Llama 3,
// GPT-4 class, Qwen, Mistral) encode as one token each when preceded by a
// space, so a prompt of n words is about n tokens without downloading a
// tokenizer. The count is an approximation: chat templates and the first
// word add a few tokens.
var promptWords = strings.Fields(`the of and to in is was for on that with as by at from his
it an be this are or had not but which have one were her all she there their has been
if more when will would who so no out up into do can time said only new some could
them other than then now its our two may first after most over also made many way
before must where back through years much your down should because each just those
people how too little state good very make world still own see men work long get
here between both life being under never day same another know while last might us
great old year off come since against go came right used take three small house
water city place part found`)

// PromptSpec asks for synthetic prompts.
type PromptSpec struct {
	// Tokens is the mean length in (approximate) tokens; Stddev > 0 draws
	// each length from a normal distribution, clamped to at least 1.
	Tokens int
	Stddev float64
	// Seed makes the sequence repeatable.
	Seed uint64
	// PrefixTokens > 0 starts every prompt with one of PrefixGroups
	// (default 1) shared prefixes of that many tokens, taken in turn
	// (prompt i gets prefix i mod PrefixGroups), for prefix-cache studies
	// (vLLM's prefix_repetition dataset); Tokens is then the length of
	// the unique part after it.
	PrefixTokens, PrefixGroups int
}

// PromptGenerator makes synthetic prompts; it is not safe for concurrent use.
type PromptGenerator struct {
	spec     PromptSpec
	rng      *rand.Rand
	prefixes []string
	i        int
}

// NewPromptGenerator returns a generator for spec.
func NewPromptGenerator(spec PromptSpec) *PromptGenerator {
	if spec.Tokens < 1 {
		spec.Tokens = 1
	}
	g := &PromptGenerator{spec: spec, rng: rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x2545f4914f6cdd1d))}
	if spec.PrefixTokens > 0 {
		for k := range max(spec.PrefixGroups, 1) {
			s := spec.Seed ^ uint64(k+1)*0x9e3779b97f4a7c15
			g.prefixes = append(g.prefixes, words(rand.New(rand.NewPCG(s, s^0x94d049bb133111eb)), spec.PrefixTokens))
		}
	}
	return g
}

// words returns n vocabulary words drawn from rng, space-separated.
func words(rng *rand.Rand, n int) string {
	var b strings.Builder
	b.Grow(n * 6)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(promptWords[rng.IntN(len(promptWords))])
	}
	return b.String()
}

// Next returns the next prompt: words drawn from a fixed vocabulary, one
// word per token, so consecutive prompts share no long prefix — except the
// configured shared prefix, which precedes the unique words.
func (g *PromptGenerator) Next() string {
	n := g.spec.Tokens
	if g.spec.Stddev > 0 {
		n = max(1, int(math.Round(float64(n)+g.rng.NormFloat64()*g.spec.Stddev)))
	}
	s := words(g.rng, n)
	if len(g.prefixes) > 0 {
		s = g.prefixes[g.i%len(g.prefixes)] + " " + s
		g.i++
	}
	return s
}
