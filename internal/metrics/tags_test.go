package metrics

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTagSet(t *testing.T) {
	base := NewTagSet(map[string]string{"scenario": "default", "group": ""})
	s := base.With("check", "ok").With("group", "::a")
	if got, want := s.Map(), map[string]string{"scenario": "default", "group": "::a", "check": "ok"}; !cmp.Equal(got, want) {
		t.Errorf("Map() = %v, want %v", got, want)
	}
	if v, _ := base.Get("group"); v != "" {
		t.Errorf("base changed: group = %q", v)
	}
	if !s.Contains(NewTagSet(map[string]string{"check": "ok"})) || s.Contains(NewTagSet(map[string]string{"check": "no"})) {
		t.Error("Contains is wrong")
	}
	if s.Key() != NewTagSet(s.Map()).Key() {
		t.Error("equal sets must have equal keys")
	}
	if s.Without("check").Key() != base.With("group", "::a").Key() {
		t.Error("Without is wrong")
	}
	var empty *TagSet
	if empty.Len() != 0 || !s.Contains(empty) || empty.With("a", "b").Len() != 1 {
		t.Error("nil set is not the empty set")
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	m1, err := r.NewMetric("llm_ttft", Trend, Time)
	if err != nil {
		t.Fatal(err)
	}
	if m2, _ := r.NewMetric("llm_ttft", Trend, Time); m2 != m1 {
		t.Error("same name and type must return the same metric")
	}
	if _, err := r.NewMetric("llm_ttft", Counter); err == nil {
		t.Error("type change: want an error")
	}
	if _, err := r.NewMetric("llm_ttft", Trend); err == nil {
		t.Error("value type change: want an error")
	}
	for _, bad := range []string{"", "x", "1abc", "a-b", "a b"} {
		if _, err := r.NewMetric(bad, Counter); err == nil {
			t.Errorf("NewMetric(%q): want an error", bad)
		}
	}
}
