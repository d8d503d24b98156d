package llm

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/grafana/sobek"
	"github.com/tidwall/gjson"
)

// This file reads request traces (llm.parseTrace) and builds prompts of a
// trace record's length with its shared prefix blocks (llm.tracePrompt),
// for replay with the arrival-times executor.

// TraceRecord is one request of a recorded trace.
type TraceRecord struct {
	// Timestamp is the request's arrival in milliseconds, as the trace
	// gives it (Mooncake: ms; BurstGPT: seconds, converted).
	Timestamp float64
	// InputLength and OutputLength are the prompt and answer lengths in
	// tokens.
	InputLength, OutputLength int
	// HashIDs name the prompt's blocks (Mooncake: 512 tokens each); two
	// requests with the same first k IDs share a k-block prefix.
	HashIDs []int64
	// Model is BurstGPT's model column ("" for Mooncake).
	Model string
}

// The trace formats ParseTrace reads.
const (
	TraceMooncake = "mooncake" // JSONL: timestamp (ms), input_length, output_length, hash_ids
	TraceBurstGPT = "burstgpt" // CSV: Timestamp (s), Model, Request tokens, Response tokens, …
)

// DefaultTraceBlockTokens is the tokens per hash ID, as in Mooncake traces.
const DefaultTraceBlockTokens = 512

// ParseTrace reads a trace text in format TraceMooncake or TraceBurstGPT
// ("" picks mooncake when the first non-blank character is '{'). Records
// keep the file's order; errors name the line.
func ParseTrace(text, format string) ([]TraceRecord, error) {
	if format == "" {
		format = TraceBurstGPT
		if strings.HasPrefix(strings.TrimSpace(text), "{") {
			format = TraceMooncake
		}
	}
	switch strings.ToLower(format) {
	case TraceMooncake:
		return parseMooncake(text)
	case TraceBurstGPT:
		return parseBurstGPT(text)
	}
	return nil, fmt.Errorf("trace format %q: want %s or %s", format, TraceMooncake, TraceBurstGPT)
}

func parseMooncake(text string) ([]TraceRecord, error) {
	var out []TraceRecord
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		if !gjson.Valid(s) || !gjson.Parse(s).IsObject() {
			return nil, fmt.Errorf("mooncake trace line %d: not a JSON object", line)
		}
		get := func(k string) (gjson.Result, error) {
			v := gjson.Get(s, k)
			if v.Type != gjson.Number || v.Float() < 0 || math.IsInf(v.Float(), 0) {
				return v, fmt.Errorf("mooncake trace line %d: %s: want a non-negative number, got %s", line, k, orMissing(v))
			}
			return v, nil
		}
		ts, err := get("timestamp")
		if err != nil {
			return nil, err
		}
		in, err := get("input_length")
		if err != nil {
			return nil, err
		}
		outLen, err := get("output_length")
		if err != nil {
			return nil, err
		}
		r := TraceRecord{Timestamp: ts.Float(), InputLength: int(in.Int()), OutputLength: int(outLen.Int())}
		if h := gjson.Get(s, "hash_ids"); h.Exists() {
			if !h.IsArray() {
				return nil, fmt.Errorf("mooncake trace line %d: hash_ids: want an array of integers", line)
			}
			for _, id := range h.Array() {
				if id.Type != gjson.Number {
					return nil, fmt.Errorf("mooncake trace line %d: hash_ids: want integers, got %s", line, id.Raw)
				}
				r.HashIDs = append(r.HashIDs, id.Int())
			}
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mooncake trace line %d: %w", line+1, err)
	}
	return out, nil
}

func orMissing(v gjson.Result) string {
	if !v.Exists() {
		return "nothing"
	}
	return v.Raw
}

// parseBurstGPT reads BurstGPT's CSV: a header naming at least Timestamp
// (seconds from the trace start), Request tokens and Response tokens
// (matched case-insensitively, in any order), optionally Model.
func parseBurstGPT(text string) ([]TraceRecord, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("burstgpt trace: empty (want a header: Timestamp,Model,Request tokens,Response tokens,…)")
		}
		return nil, fmt.Errorf("burstgpt trace header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	need := func(name string) (int, error) {
		i, ok := col[strings.ToLower(name)]
		if !ok {
			return 0, fmt.Errorf("burstgpt trace header %q lacks the %q column", strings.Join(header, ","), name)
		}
		return i, nil
	}
	tsCol, err := need("Timestamp")
	if err != nil {
		return nil, err
	}
	inCol, err := need("Request tokens")
	if err != nil {
		return nil, err
	}
	outCol, err := need("Response tokens")
	if err != nil {
		return nil, err
	}
	modelCol, hasModel := col["model"]
	var out []TraceRecord
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("burstgpt trace: %w", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		num := func(i int, what string) (float64, error) {
			if i >= len(rec) {
				return 0, fmt.Errorf("burstgpt trace line %d: no %s column", line, what)
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
			if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
				return 0, fmt.Errorf("burstgpt trace line %d: %s %q: want a non-negative number", line, what, rec[i])
			}
			return f, nil
		}
		ts, err := num(tsCol, "Timestamp")
		if err != nil {
			return nil, err
		}
		in, err := num(inCol, "Request tokens")
		if err != nil {
			return nil, err
		}
		o, err := num(outCol, "Response tokens")
		if err != nil {
			return nil, err
		}
		tr := TraceRecord{Timestamp: ts * 1000, InputLength: int(in), OutputLength: int(o)}
		if hasModel && modelCol < len(rec) {
			tr.Model = rec[modelCol]
		}
		out = append(out, tr)
	}
}

// TracePrompt returns a prompt of about inputLength tokens (one vocabulary
// word per token, as PromptGenerator). Block j (blockTokens words) is
// drawn from a generator seeded by hashIDs[j], so records that share their
// first k hash IDs share a k-block prefix, which a server's prefix cache
// can reuse; words past the hashed blocks are drawn from salt, so two
// records with different salts differ there.
func TracePrompt(inputLength int, hashIDs []int64, blockTokens int, salt uint64) string {
	if blockTokens <= 0 {
		blockTokens = DefaultTraceBlockTokens
	}
	inputLength = max(inputLength, 1)
	var b strings.Builder
	b.Grow(inputLength * 6)
	var rng *rand.Rand
	for i := 0; i < inputLength; i++ {
		if i%blockTokens == 0 {
			j := i / blockTokens
			if j < len(hashIDs) {
				s := uint64(hashIDs[j])
				rng = rand.New(rand.NewPCG(s, s^0x5851f42d4c957f2d))
			} else if j == len(hashIDs) || rng == nil {
				rng = rand.New(rand.NewPCG(salt, ^salt))
			}
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(promptWords[rng.IntN(len(promptWords))])
	}
	return b.String()
}

// parseTrace is llm.parseTrace(text, format?): an array of {timestamp
// (ms), inputLength, outputLength, hashIds, model?}.
func (i *instance) parseTrace(fc sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	format := ""
	if f := fc.Argument(1); !isNullish(f) {
		format = f.String()
	}
	if isNullish(fc.Argument(0)) {
		panic(rt.NewTypeError("llm.parseTrace: the trace text is required"))
	}
	recs, err := ParseTrace(fc.Argument(0).String(), format)
	if err != nil {
		panic(rt.NewGoError(fmt.Errorf("llm.parseTrace: %w", err)))
	}
	out := make([]any, len(recs))
	for j, r := range recs {
		o := rt.NewObject()
		must(o.Set("timestamp", r.Timestamp))
		must(o.Set("inputLength", r.InputLength))
		must(o.Set("outputLength", r.OutputLength))
		ids := make([]any, len(r.HashIDs))
		for k, id := range r.HashIDs {
			ids[k] = id
		}
		must(o.Set("hashIds", rt.NewArray(ids...)))
		if r.Model != "" {
			must(o.Set("model", r.Model))
		}
		out[j] = o
	}
	return rt.NewArray(out...)
}

// tracePrompt is llm.tracePrompt(record, {blockTokens, salt}?): a prompt
// of record.inputLength tokens whose blocks follow record.hashIds.
func (i *instance) tracePrompt(fc sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	if isNullish(fc.Argument(0)) {
		panic(rt.NewTypeError("llm.tracePrompt: a trace record is required"))
	}
	rec := fc.Argument(0).ToObject(rt)
	n := rec.Get("inputLength")
	if isNullish(n) || n.ToInteger() < 1 {
		panic(rt.NewTypeError("llm.tracePrompt: record.inputLength: want a positive number"))
	}
	var ids []int64
	if h := rec.Get("hashIds"); !isNullish(h) {
		if err := rt.ExportTo(h, &ids); err != nil {
			panic(rt.NewTypeError("llm.tracePrompt: record.hashIds: want an array of integers"))
		}
	}
	block, salt := DefaultTraceBlockTokens, uint64(0)
	if o := fc.Argument(1); !isNullish(o) {
		obj := o.ToObject(rt)
		for _, k := range obj.Keys() {
			v := obj.Get(k).ToInteger()
			switch k {
			case "blockTokens":
				if v < 1 {
					panic(rt.NewTypeError("llm.tracePrompt: blockTokens: want at least 1"))
				}
				block = int(v)
			case "salt":
				salt = uint64(v)
			default:
				panic(rt.NewTypeError(fmt.Sprintf("llm.tracePrompt: unknown option %q (want blockTokens, salt)", k)))
			}
		}
	}
	return rt.ToValue(TracePrompt(int(n.ToInteger()), ids, block, salt))
}
