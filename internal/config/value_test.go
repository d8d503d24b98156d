package config

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOptJSON(t *testing.T) {
	t.Parallel()
	var s struct {
		A Opt[int64]  `json:"a"`
		B Opt[int64]  `json:"b"`
		C Opt[string] `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a": 3, "b": null}`), &s); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Some[int64](3), s.A); diff != "" {
		t.Errorf("a (-want +got):\n%s", diff)
	}
	if s.B.Set || s.C.Set {
		t.Errorf("null or missing fields are set: %+v", s)
	}
	b, _ := json.Marshal(s)
	if string(b) != `{"a":3,"b":null,"c":null}` {
		t.Errorf("Marshal = %s", b)
	}
}

func TestParseStage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    Stage
		wantErr bool
	}{
		{"30s:10", Stage{Some(Duration(30 * time.Second)), Some[int64](10)}, false},
		{"1m", Stage{Duration: Some(Duration(time.Minute))}, false},
		{"1m:", Stage{Duration: Some(Duration(time.Minute))}, false},
		{":10", Stage{}, true},
		{"1m:x", Stage{}, true},
		{"x:1", Stage{}, true},
		// k6's duration grammar (internal/duration): days, milliseconds
		{"1d:5", Stage{Some(Duration(24 * time.Hour)), Some[int64](5)}, false},
		{"1500:2", Stage{Some(Duration(1500 * time.Millisecond)), Some[int64](2)}, false},
		{"2d-3h:1", Stage{}, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseStage(c.in)
			if (err != nil) != c.wantErr {
				t.Fatalf("ParseStage(%q) error = %v, want error %v", c.in, err, c.wantErr)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("ParseStage(%q) (-want +got):\n%s", c.in, diff)
			}
		})
	}
}
