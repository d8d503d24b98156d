package metrics

import (
	"sort"
	"strings"
)

// Tag is one key/value pair.
type Tag struct{ Key, Value string }

// TagSet is an immutable set of tags sorted by key. The nil *TagSet is the
// empty set. Methods that change a set return a new one, so a *TagSet may be
// shared freely between goroutines and batches.
type TagSet struct {
	tags []Tag
	key  string // canonical encoding, used as a map key by aggregators
}

// NewTagSet builds a set from a map.
func NewTagSet(m map[string]string) *TagSet {
	if len(m) == 0 {
		return nil
	}
	tags := make([]Tag, 0, len(m))
	for k, v := range m {
		tags = append(tags, Tag{k, v})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return build(tags)
}

func build(tags []Tag) *TagSet {
	var b strings.Builder
	for _, t := range tags {
		b.WriteString(t.Key)
		b.WriteByte(0)
		b.WriteString(t.Value)
		b.WriteByte(0)
	}
	return &TagSet{tags: tags, key: b.String()}
}

// With returns a set with key set to value.
func (s *TagSet) With(key, value string) *TagSet {
	old := s.List()
	i := sort.Search(len(old), func(i int) bool { return old[i].Key >= key })
	if i < len(old) && old[i].Key == key {
		if old[i].Value == value {
			return s
		}
		tags := append([]Tag(nil), old...)
		tags[i].Value = value
		return build(tags)
	}
	tags := make([]Tag, 0, len(old)+1)
	tags = append(tags, old[:i]...)
	tags = append(tags, Tag{key, value})
	tags = append(tags, old[i:]...)
	return build(tags)
}

// WithMap returns a set with every pair of m set over s.
func (s *TagSet) WithMap(m map[string]string) *TagSet {
	if len(m) == 0 {
		return s
	}
	merged := s.Map()
	if merged == nil {
		merged = make(map[string]string, len(m))
	}
	for k, v := range m {
		merged[k] = v
	}
	return NewTagSet(merged)
}

// Without returns a set without key.
func (s *TagSet) Without(key string) *TagSet {
	if _, ok := s.Get(key); !ok {
		return s
	}
	tags := make([]Tag, 0, len(s.tags)-1)
	for _, t := range s.tags {
		if t.Key != key {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return nil
	}
	return build(tags)
}

// Get returns the value of key.
func (s *TagSet) Get(key string) (string, bool) {
	if s == nil {
		return "", false
	}
	i := sort.Search(len(s.tags), func(i int) bool { return s.tags[i].Key >= key })
	if i < len(s.tags) && s.tags[i].Key == key {
		return s.tags[i].Value, true
	}
	return "", false
}

// Contains reports whether every pair of sub is in s (submetric matching).
func (s *TagSet) Contains(sub *TagSet) bool {
	for _, t := range sub.List() {
		if v, ok := s.Get(t.Key); !ok || v != t.Value {
			return false
		}
	}
	return true
}

// List returns the pairs sorted by key. The slice must not be modified.
func (s *TagSet) List() []Tag {
	if s == nil {
		return nil
	}
	return s.tags
}

// Len returns the number of tags.
func (s *TagSet) Len() int { return len(s.List()) }

// Map returns a copy of the set as a map (nil for the empty set).
func (s *TagSet) Map() map[string]string {
	if s.Len() == 0 {
		return nil
	}
	m := make(map[string]string, len(s.tags))
	for _, t := range s.tags {
		m[t.Key] = t.Value
	}
	return m
}

// Key returns a canonical string for the set: equal sets have equal keys.
func (s *TagSet) Key() string {
	if s == nil {
		return ""
	}
	return s.key
}
