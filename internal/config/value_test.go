package config

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"30s", 30 * time.Second, false},
		{"1m30s", 90 * time.Second, false},
		{"2d", 48 * time.Hour, false},
		{"2d3h", 51 * time.Hour, false},
		{"1d30m", 24*time.Hour + 30*time.Minute, false},
		{"1500", 1500 * time.Millisecond, false},
		{"0.5", 500 * time.Microsecond, false},
		{"-1s", -time.Second, false},
		{"", 0, true},
		{"abc", 0, true},
		{"2dx", 0, true},
		{"d3h", 0, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseDuration(c.in)
			if (err != nil) != c.wantErr {
				t.Fatalf("ParseDuration(%q) error = %v, want error %v", c.in, err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("ParseDuration(%q) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func TestDurationJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		want     time.Duration
		wantErr  bool
	}{
		{"string", `"1m"`, time.Minute, false},
		{"days", `"1d"`, 24 * time.Hour, false},
		{"number_ms", `250`, 250 * time.Millisecond, false},
		{"numeric_string_ms", `"250"`, 250 * time.Millisecond, false},
		{"bool", `true`, 0, true},
		{"bad_string", `"soon"`, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d Duration
			err := json.Unmarshal([]byte(c.in), &d)
			if (err != nil) != c.wantErr {
				t.Fatalf("Unmarshal(%s) error = %v, want error %v", c.in, err, c.wantErr)
			}
			if d.D() != c.want {
				t.Errorf("Unmarshal(%s) = %v, want %v", c.in, d.D(), c.want)
			}
		})
	}
	b, err := json.Marshal(Duration(90 * time.Second))
	if err != nil || string(b) != `"1m30s"` {
		t.Errorf("Marshal(90s) = %s, %v; want \"1m30s\"", b, err)
	}
}

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
