package llm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseYAML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       any
		err        string
	}{
		{name: "targets", text: "targets:\n  - name: a # comment\n    base_url: 'http://x/v1'\n    port: 8000\n  - {name: b, ok: true, none: ~}\n",
			want: map[string]any{"targets": []any{
				map[string]any{"name": "a", "base_url": "http://x/v1", "port": float64(8000)},
				map[string]any{"name": "b", "ok": true, "none": nil},
			}}},
		{name: "non-string keys", text: "1: one\ntrue: yes\n", want: map[string]any{"1": "one", "true": "yes"}},
		{name: "empty", text: "", want: nil},
		{name: "syntax", text: "a: [1, 2\n", err: "f.yaml: yaml: line"},
		{name: "infinite", text: "a: .inf\n", err: "not a finite number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseYAML(tc.text, "f.yaml")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
