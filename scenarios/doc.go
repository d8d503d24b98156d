// Package scenarios holds no Go code: it is the home of the bundled
// llmbench workloads (low-load.js, medium-load.js, high-load.js,
// stress-test.js, concurrency-sweep.js, poisson.js, soak.js and their
// shared lib/), and of the tests that run each one through cli.Main
// against the built-in mock server.
package scenarios
