package llm

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// DatasetEntry is one prompt from a dataset.
type DatasetEntry struct {
	// Prompt is the first user turn (ShareGPT) or the "prompt" field (JSONL).
	Prompt string `json:"prompt"`
	// Messages is the OpenAI chat history for JSONL rows that carry one, as
	// raw JSON (empty otherwise).
	Messages string `json:"messages,omitempty"`
	// Reference is the dataset's answer (the first assistant turn in
	// ShareGPT, "completion"/"response" in JSONL), for output-length targets.
	Reference string `json:"reference,omitempty"`
}

// ParseDataset reads a dataset text: format "sharegpt" (a JSON array of
// {"conversations":[{"from":"human","value":…},{"from":"gpt",…}]}, keeping,
// as vLLM does, conversations of at least two turns that start with a human
// turn) or "jsonl" (one JSON object per line with "prompt" or "messages";
// blank lines skipped). "" picks sharegpt when the text starts with '['.
func ParseDataset(text, format string) ([]DatasetEntry, error) {
	if format == "" {
		format = "jsonl"
		if strings.HasPrefix(strings.TrimSpace(text), "[") {
			format = "sharegpt"
		}
	}
	switch format {
	case "sharegpt":
		if !gjson.Valid(text) {
			return nil, fmt.Errorf("sharegpt dataset: not valid JSON")
		}
		var out []DatasetEntry
		gjson.Parse(text).ForEach(func(_, conv gjson.Result) bool {
			turns := conv.Get("conversations").Array()
			if len(turns) < 2 || turns[0].Get("from").String() != "human" {
				return true
			}
			out = append(out, DatasetEntry{Prompt: turns[0].Get("value").String(), Reference: turns[1].Get("value").String()})
			return true
		})
		return out, nil
	case "jsonl":
		var out []DatasetEntry
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
		for line := 1; sc.Scan(); line++ {
			s := strings.TrimSpace(sc.Text())
			if s == "" {
				continue
			}
			if !gjson.Valid(s) {
				return nil, fmt.Errorf("jsonl dataset: line %d is not valid JSON", line)
			}
			row := gjson.Parse(s)
			e := DatasetEntry{Prompt: row.Get("prompt").String(), Reference: row.Get("completion").String()}
			if e.Reference == "" {
				e.Reference = row.Get("response").String()
			}
			if m := row.Get("messages"); m.IsArray() {
				e.Messages = m.Raw
				if e.Prompt == "" {
					e.Prompt = m.Get(`#(role=="user").content`).String()
				}
			}
			if e.Prompt == "" && e.Messages == "" {
				return nil, fmt.Errorf("jsonl dataset: line %d has neither \"prompt\" nor \"messages\"", line)
			}
			out = append(out, e)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("jsonl dataset: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("dataset format %q: want sharegpt or jsonl", format)
}
