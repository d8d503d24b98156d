// Package k6timers holds the "k6/timers" built-in module: the runtime's
// setTimeout, clearTimeout, setInterval and clearInterval globals as named
// exports.
package k6timers
