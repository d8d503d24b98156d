package k6execution

import (
	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
)

// tagsObject is exec.vu.tags: a live view of the VU's current tags.
type tagsObject struct{ i *instance }

func (t *tagsObject) st() *modules.State {
	return t.i.state("getting VU tags in the init context is not supported")
}

func (t *tagsObject) Get(key string) sobek.Value {
	if v, ok := t.st().Tags().Get(key); ok {
		return t.i.rt.ToValue(v)
	}
	return nil
}

func (t *tagsObject) Set(key string, val sobek.Value) bool {
	st := t.st()
	s, err := modules.TagValue(val)
	if err != nil {
		panic(t.i.rt.NewTypeError("invalid value for tag " + key + ": " + err.Error()))
	}
	st.SetTags(st.Tags().With(key, s))
	return true
}

func (t *tagsObject) Has(key string) bool {
	_, ok := t.st().Tags().Get(key)
	return ok
}

func (t *tagsObject) Delete(key string) bool {
	st := t.st()
	st.SetTags(st.Tags().Without(key))
	return true
}

func (t *tagsObject) Keys() []string {
	list := t.st().Tags().List()
	keys := make([]string, len(list))
	for i, tag := range list {
		keys[i] = tag.Key
	}
	return keys
}

// metadataObject is exec.vu.metrics.metadata: the VU's non-indexed values.
type metadataObject struct{ i *instance }

func (m *metadataObject) st() *modules.State {
	return m.i.state("getting VU metadata in the init context is not supported")
}

func (m *metadataObject) Get(key string) sobek.Value {
	if v, ok := m.st().Metadata[key]; ok {
		return m.i.rt.ToValue(v)
	}
	return nil
}

func (m *metadataObject) Set(key string, val sobek.Value) bool {
	st := m.st()
	s, err := modules.TagValue(val)
	if err != nil {
		panic(m.i.rt.NewTypeError("invalid value for metadata " + key + ": " + err.Error()))
	}
	md := make(map[string]string, len(st.Metadata)+1)
	for k, v := range st.Metadata {
		md[k] = v
	}
	md[key] = s
	st.Metadata = md
	return true
}

func (m *metadataObject) Has(key string) bool {
	_, ok := m.st().Metadata[key]
	return ok
}

func (m *metadataObject) Delete(key string) bool {
	st := m.st()
	if _, ok := st.Metadata[key]; !ok {
		return true
	}
	md := make(map[string]string, len(st.Metadata))
	for k, v := range st.Metadata {
		if k != key {
			md[k] = v
		}
	}
	st.Metadata = md
	return true
}

func (m *metadataObject) Keys() []string {
	md := m.st().Metadata
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	return keys
}
