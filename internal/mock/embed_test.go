package mock

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

func TestEmbeddings(t *testing.T) {
	t.Parallel()
	ts := newServer(t, Config{Model: "emb", EmbeddingDim: 8})
	norm := func(v []gjson.Result) float64 {
		var s float64
		for _, x := range v {
			s += x.Float() * x.Float()
		}
		return math.Sqrt(s)
	}
	tests := []struct {
		name, body   string
		status       int
		vectors, dim int
		prompt       int64
		model        string
	}{
		{"one string", `{"input":"sixteen bytes..."}`, 200, 1, 8, 4, "emb"},
		{"short string counts 1", `{"input":"hi","model":"m2"}`, 200, 1, 8, 1, "m2"},
		{"strings", `{"input":["aaaaaaaa","bbbbbbbbbbbb"]}`, 200, 2, 8, 5, "emb"},
		{"token ids", `{"input":[1,2,3,4,5]}`, 200, 1, 8, 5, "emb"},
		{"token id arrays", `{"input":[[1,2],[3,4,5]]}`, 200, 2, 8, 5, "emb"},
		{"dimensions", `{"input":"x","dimensions":3}`, 200, 1, 3, 1, "emb"},
		{"no input", `{"model":"x"}`, 400, 0, 0, 0, ""},
		{"empty array", `{"input":[]}`, 400, 0, 0, 0, ""},
		{"bad item", `{"input":[{"a":1}]}`, 400, 0, 0, 0, ""},
		{"bad dimensions", `{"input":"x","dimensions":0}`, 400, 0, 0, 0, ""},
		{"bad format", `{"input":"x","encoding_format":"int8"}`, 400, 0, 0, 0, ""},
		{"not json", `{`, 400, 0, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := post(t, ts.URL+"/v1/embeddings", tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.status != 200 {
				if gjson.Get(b, "error.message").String() == "" {
					t.Errorf("error body without a message: %s", b)
				}
				return
			}
			data := gjson.Get(b, "data").Array()
			if len(data) != tc.vectors {
				t.Fatalf("%d vectors, want %d: %s", len(data), tc.vectors, b)
			}
			for i, d := range data {
				v := d.Get("embedding").Array()
				if len(v) != tc.dim || d.Get("index").Int() != int64(i) || d.Get("object").Str != "embedding" {
					t.Errorf("vector %d: %s", i, d.Raw)
				}
				if n := norm(v); math.Abs(n-1) > 1e-5 {
					t.Errorf("vector %d norm %g, want 1", i, n)
				}
			}
			if got := gjson.Get(b, "usage.prompt_tokens").Int(); got != tc.prompt {
				t.Errorf("prompt_tokens %d, want %d", got, tc.prompt)
			}
			if gjson.Get(b, "object").Str != "list" || gjson.Get(b, "model").Str != tc.model {
				t.Errorf("object/model: %s", b)
			}
		})
	}
	t.Run("deterministic and input-dependent", func(t *testing.T) {
		_, a := post(t, ts.URL+"/v1/embeddings", `{"input":["same","other"]}`)
		_, b := post(t, ts.URL+"/v1/embeddings", `{"input":"same"}`)
		if gjson.Get(a, "data.0.embedding").Raw != gjson.Get(b, "data.0.embedding").Raw {
			t.Error("the same input gave different vectors")
		}
		if gjson.Get(a, "data.0.embedding").Raw == gjson.Get(a, "data.1.embedding").Raw {
			t.Error("different inputs gave the same vector")
		}
	})
	t.Run("base64 is the float32 vector", func(t *testing.T) {
		_, f := post(t, ts.URL+"/v1/embeddings", `{"input":"v"}`)
		_, e := post(t, ts.URL+"/v1/embeddings", `{"input":"v","encoding_format":"base64"}`)
		raw, err := base64.StdEncoding.DecodeString(gjson.Get(e, "data.0.embedding").Str)
		if err != nil || len(raw) != 32 {
			t.Fatalf("base64 %q: %v", gjson.Get(e, "data.0.embedding").Str, err)
		}
		for i, x := range gjson.Get(f, "data.0.embedding").Array() {
			if got := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])); got != float32(x.Float()) {
				t.Errorf("element %d: %g vs %g", i, got, x.Float())
			}
		}
	})
}

func TestEmbeddingsLatencyAndFaults(t *testing.T) {
	t.Parallel()
	ts := newServer(t, Config{EmbedLatency: 30 * time.Millisecond})
	start := time.Now()
	resp, b := post(t, ts.URL+"/v1/embeddings", `{"input":"x"}`)
	if took := time.Since(start); resp.StatusCode != 200 || took < 30*time.Millisecond {
		t.Errorf("status %d after %v, want 200 after ≥30ms: %s", resp.StatusCode, took, b)
	}
	if n := len(gjson.Get(b, "data.0.embedding").Array()); n != DefaultEmbeddingDim {
		t.Errorf("default dimension %d, want %d", n, DefaultEmbeddingDim)
	}
	ts429 := newServer(t, Config{Status429: 1})
	if resp, b := post(t, ts429.URL+"/v1/embeddings", `{"input":"x"}`); resp.StatusCode != 429 {
		t.Errorf("status %d, want 429: %s", resp.StatusCode, b)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	ts := newServer(t, Config{})
	for _, p := range []string{"/health", "/v1/health"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d, want 200", p, resp.StatusCode)
		}
	}
	resp, err := http.Post(ts.URL+"/health", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /health: %d, want 405", resp.StatusCode)
	}
}
