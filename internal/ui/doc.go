// Package ui holds the terminal side of a run: the k6-style header that
// describes the run (Header), the live progress display (Progress) with its
// "running (0m05.0s), 03/10 VUs, …" line and one bar per scenario, and TTY
// detection (IsTerminal).
//
// A frame is a pure function of a Snapshot (RenderFrame), so its text is
// tested with golden files. Progress only decides when to draw: every 100 ms
// on a terminal, redrawn in place with ANSI cursor movement; nothing while
// running when the output is not a terminal or quiet is set, and the final
// frame once at Stop unless quiet.
package ui
