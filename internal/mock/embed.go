package mock

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// DefaultEmbeddingDim is the vector length when neither Config.EmbeddingDim
// nor the request's "dimensions" sets one.
const DefaultEmbeddingDim = 384

// embeddings answers POST /v1/embeddings in OpenAI's shape: one
// unit-length vector per input, derived from the input alone (the same
// text always gives the same vector), usage.prompt_tokens counting one token
// per 4 bytes of text (at least 1) or one per element of a token-ID array.
// The answer is written Config.EmbedLatency after the request arrived; the
// 429 and 500 faults apply as to completions.
func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s.requestTotal.Add(1)
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequestError", err.Error())
		return
	}
	inputs, tokens, err := embedInputs(gjson.Get(body, "input"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequestError", err.Error())
		return
	}
	dim := s.cfg.EmbeddingDim
	if d := gjson.Get(body, "dimensions"); d.Exists() {
		if d.Int() <= 0 || d.Int() > 65536 {
			writeError(w, http.StatusBadRequest, "BadRequestError", "dimensions must be between 1 and 65536")
			return
		}
		dim = int(d.Int())
	}
	b64 := false
	switch f := gjson.Get(body, "encoding_format").String(); f {
	case "", "float":
	case "base64":
		b64 = true
	default:
		writeError(w, http.StatusBadRequest, "BadRequestError", "encoding_format must be float or base64, not "+strconv.Quote(f))
		return
	}
	f, _, _ := s.draw(0)
	id := "embd-" + strconv.FormatUint(s.nextID.Add(1), 10)
	l := logLine{ID: id, Endpoint: r.URL.Path, Received: start.UnixNano(), Fault: faultNames[f]}
	defer s.log(&l)
	switch f {
	case fault429:
		writeError(w, http.StatusTooManyRequests, "RateLimitError", "mock: rate limited")
		return
	case fault500:
		writeError(w, http.StatusInternalServerError, "InternalServerError", "mock: injected failure")
		return
	}
	model := s.cfg.Model
	if m := gjson.Get(body, "model"); m.Type == gjson.String && m.Str != "" {
		model = m.Str
	}
	mj, _ := json.Marshal(model)
	s.running.Add(1)
	defer s.running.Add(-1)
	s.promptTotal.Add(int64(tokens))

	out := make([]byte, 0, 64+len(inputs)*dim*12)
	out = append(out, `{"object":"list","data":[`...)
	vec := make([]float32, dim)
	for i, in := range inputs {
		if i > 0 {
			out = append(out, ',')
		}
		embedVector(vec, in)
		out = append(out, `{"object":"embedding","index":`...)
		out = strconv.AppendInt(out, int64(i), 10)
		out = append(out, `,"embedding":`...)
		out = appendVector(out, vec, b64)
		out = append(out, '}')
	}
	out = append(out, `],"model":`...)
	out = append(out, mj...)
	out = append(out, `,"usage":{"prompt_tokens":`...)
	out = strconv.AppendInt(out, int64(tokens), 10)
	out = append(out, `,"total_tokens":`...)
	out = strconv.AppendInt(out, int64(tokens), 10)
	out = append(out, `}}`...)

	if d := time.Until(start.Add(s.cfg.EmbedLatency)); d > 0 {
		tm := time.NewTimer(d)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-r.Context().Done():
			l.ClientDisconnect = true
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	l.FirstToken = time.Now().UnixNano()
	_, _ = w.Write(out)
}

// embedInputs reads "input": a string, an array of strings, an array of
// token IDs or an array of token-ID arrays. It returns each input's
// identity (its text or its raw JSON) and the prompt token count.
func embedInputs(in gjson.Result) ([]string, int, error) {
	textTokens := func(s string) int { return max(1, len(s)/4) }
	switch {
	case in.Type == gjson.String:
		return []string{in.Str}, textTokens(in.Str), nil
	case in.IsArray():
		arr := in.Array()
		if len(arr) == 0 {
			return nil, 0, errInput("input must not be empty")
		}
		if arr[0].Type == gjson.Number { // one token-ID array
			return []string{in.Raw}, len(arr), nil
		}
		out := make([]string, 0, len(arr))
		n := 0
		for _, v := range arr {
			switch {
			case v.Type == gjson.String:
				out = append(out, v.Str)
				n += textTokens(v.Str)
			case v.IsArray() && len(v.Array()) > 0:
				out = append(out, v.Raw)
				n += len(v.Array())
			default:
				return nil, 0, errInput("input items must be strings or token-ID arrays")
			}
		}
		return out, n, nil
	}
	return nil, 0, errInput("input is required: a string, an array of strings or of token IDs")
}

type errInput string

func (e errInput) Error() string { return string(e) }

// embedVector fills v with a unit vector drawn from a generator seeded by
// the input's FNV-1a hash.
func embedVector(v []float32, input string) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(input))
	seed := h.Sum64()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var norm float64
	for i := range v {
		x := rng.NormFloat64()
		v[i] = float32(x)
		norm += x * x
	}
	norm = math.Sqrt(norm)
	if norm == 0 {
		return
	}
	for i := range v {
		v[i] = float32(float64(v[i]) / norm)
	}
}

// appendVector writes v as a JSON array of floats, or as the base64 of its
// little-endian float32 bytes (OpenAI's encoding_format "base64").
func appendVector(b []byte, v []float32, b64 bool) []byte {
	if b64 {
		raw := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
		}
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, raw)
		return append(b, '"')
	}
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(x), 'g', -1, 32)
	}
	return append(b, ']')
}

// health answers GET /health and /v1/health with 200 and an empty body, as
// vLLM does when the engine is up.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusOK)
}
