package catalog

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/output"
)

func TestNew(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := output.Params{Stdout: &out, Dir: t.TempDir(), Collectors: map[string]json.RawMessage{"csv": json.RawMessage(`{"timeFormat":"rfc3339"}`)}}
	outs, err := New([]string{"json", "csv=x.csv", "influxdb=http://127.0.0.1:1/db", "experimental-prometheus-rw"}, p)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range outs {
		got = append(got, o.Description())
	}
	want := "json (stdout)|csv (x.csv)|influxdb (http://127.0.0.1:1/db)|Prometheus remote-write (http://localhost:9090/api/v1/write)"
	if strings.Join(got, "|") != want {
		t.Errorf("descriptions %q", got)
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ spec, want string }{
		{"nope", `unsupported output type "nope"; available: csv, experimental-prometheus-rw, influxdb, json`},
		{"kafka", "was removed from k6"},
		{"csv=timeFormat=x", `unknown timeFormat "x"`},
		{"influxdb=ftp://x", "scheme must be http or https"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			t.Parallel()
			_, err := New([]string{tc.spec}, output.Params{Collectors: map[string]json.RawMessage{"csv": json.RawMessage(`{}`)}})
			if exit.CodeOf(err) != exit.InvalidConfig || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v (code %d), want %q with code 104", err, exit.CodeOf(err), tc.want)
			}
		})
	}
}
