package aggregate

import (
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
)

// GroupSeparator joins group names into a group path ("::outer::inner").
const GroupSeparator = "::"

// Check is one check's tally, identified by its group path and name.
type Check struct {
	Name string
	// Path is the group path + "::" + Name.
	Path string
	// Group is the path of the group the check ran in ("" for the root).
	Group         string
	Passes, Fails int64
}

// Group is a node of the group tree built from the group tag of checks and
// group_duration samples. The root has empty Name and Path.
type Group struct {
	Name, Path string
	Groups     []*Group // first-seen order
	Checks     []*Check // first-seen order
}

type checkKey struct{ group, name string }

// checkBook records checks and groups in first-seen order.
type checkBook struct {
	checksM, groupM *metrics.Metric
	byKey           map[checkKey]*Check
	order           []*Check
	root            *Group
	groups          map[string]*Group
}

func (c *checkBook) init(reg *metrics.Registry) {
	c.checksM = reg.Get("checks")
	c.groupM = reg.Get("group_duration")
	c.byKey = map[checkKey]*Check{}
	c.root = &Group{}
	c.groups = map[string]*Group{"": c.root}
}

func (c *checkBook) observe(m *metrics.Metric, tags *metrics.TagSet, v float64) {
	if c.checksM == nil && m.Name == "checks" {
		c.checksM = m
	}
	if c.groupM == nil && m.Name == "group_duration" {
		c.groupM = m
	}
	switch m {
	case c.checksM:
		group, _ := tags.Get("group")
		name, _ := tags.Get("check")
		ch := c.byKey[checkKey{group, name}]
		if ch == nil {
			g := c.group(group)
			ch = &Check{Name: name, Path: group + GroupSeparator + name, Group: group}
			c.byKey[checkKey{group, name}] = ch
			c.order = append(c.order, ch)
			g.Checks = append(g.Checks, ch)
		}
		if v != 0 {
			ch.Passes++
		} else {
			ch.Fails++
		}
	case c.groupM:
		group, _ := tags.Get("group")
		c.group(group)
	}
}

// group returns the group of path, creating it and its ancestors.
func (c *checkBook) group(path string) *Group {
	if g, ok := c.groups[path]; ok {
		return g
	}
	parentPath, name := "", strings.TrimPrefix(path, GroupSeparator)
	if i := strings.LastIndex(path, GroupSeparator); i > 0 {
		parentPath, name = path[:i], path[i+len(GroupSeparator):]
	}
	parent := c.group(parentPath)
	g := &Group{Name: name, Path: path}
	parent.Groups = append(parent.Groups, g)
	c.groups[path] = g
	return g
}

// copyGroup deep-copies a group tree, checks included.
func copyGroup(g *Group) *Group {
	out := &Group{Name: g.Name, Path: g.Path}
	for _, ch := range g.Checks {
		cc := *ch
		out.Checks = append(out.Checks, &cc)
	}
	for _, sg := range g.Groups {
		out.Groups = append(out.Groups, copyGroup(sg))
	}
	return out
}
