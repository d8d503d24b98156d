package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// bareStats is what one bare run prints.
type bareStats struct {
	Client   string  `json:"client"`
	Streams  int     `json:"streams"`
	Requests int64   `json:"requests"`
	Failed   int64   `json:"failed"`
	Chunks   int64   `json:"chunks"`
	WallS    float64 `json:"wall_s"`
}

func bare(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8000/v1", "OpenAI base URL")
	streams := fs.Int("streams", 50, "concurrent streams")
	requests := fs.Int("requests", 10, "requests per stream, one after the other")
	maxTokens := fs.Int("max-tokens", 128, "max_tokens of each request")
	ttftLog := fs.String("ttft-log", "", "write \"ID TTFT_MS FIRST_TOKEN_UNIX_MS\" per request to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body := fmt.Appendf(nil, `{"model":"mock-model","messages":[{"role":"user","content":"Hi"}],"max_tokens":%d,"stream":true,"stream_options":{"include_usage":true}}`, *maxTokens)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableCompression = true
	tr.MaxIdleConnsPerHost = *streams
	hc := &http.Client{Transport: tr}
	var (
		st     = bareStats{Client: "bare", Streams: *streams}
		logMu  sync.Mutex
		logBuf bytes.Buffer
		wg     sync.WaitGroup
		reqs   atomic.Int64
		failed atomic.Int64
		chunks atomic.Int64
	)
	start := time.Now()
	for range *streams {
		wg.Go(func() {
			for range *requests {
				id, ttft, first, n, err := stream(hc, *url+"/chat/completions", body)
				reqs.Add(1)
				chunks.Add(n)
				if err != nil {
					failed.Add(1)
					continue
				}
				if *ttftLog != "" {
					logMu.Lock()
					fmt.Fprintf(&logBuf, "%s %.6f %.6f\n", id, float64(ttft)/1e6, float64(first.UnixNano())/1e6)
					logMu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	st.WallS = time.Since(start).Seconds()
	st.Requests, st.Failed, st.Chunks = reqs.Load(), failed.Load(), chunks.Load()
	if *ttftLog != "" {
		if err := os.WriteFile(*ttftLog, logBuf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(st)
}

var (
	dataPrefix = []byte("data: ")
	done       = []byte("[DONE]")
	idKey      = []byte(`"id":"`)
	content    = []byte(`"content":"`)
)

// stream sends one request and reads its event stream: the response id,
// TTFT (first event with non-empty content − request written), the first
// such event's read instant and the number of token-bearing events.
func stream(hc *http.Client, url string, body []byte) (id string, ttft time.Duration, first time.Time, chunks int64, err error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", 0, first, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	sent := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return "", 0, first, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return "", 0, first, 0, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	br := bufio.NewReaderSize(resp.Body, 4096)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if err == io.EOF {
				return id, ttft, first, chunks, fmt.Errorf("stream cut")
			}
			return id, ttft, first, chunks, err
		}
		if !bytes.HasPrefix(line, dataPrefix) {
			continue
		}
		data := line[len(dataPrefix):]
		if bytes.HasPrefix(data, done) {
			return id, ttft, first, chunks, nil
		}
		i := bytes.Index(data, content)
		if i < 0 || data[i+len(content)] == '"' { // role-only, finish or usage event
			continue
		}
		now := time.Now()
		chunks++
		if ttft == 0 {
			ttft, first = now.Sub(sent), now
			if j := bytes.Index(data, idKey); j >= 0 {
				rest := data[j+len(idKey):]
				id = strings.Clone(string(rest[:bytes.IndexByte(rest, '"')]))
			}
		}
	}
}
