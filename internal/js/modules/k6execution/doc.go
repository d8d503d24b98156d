// Package k6execution holds the "k6/execution" built-in module: live
// information about the instance, scenario, VU and test, vu.tags, and
// test.abort/test.fail.
package k6execution
