// Package exit holds llmbench's process exit codes, which are k6's, and the
// Error type that attaches one to an error where its meaning is known. The
// CLI reads the code once, at the top, with errors.As.
package exit

import (
	"errors"
	"fmt"
)

// Code is a process exit code.
type Code int

// k6's exit codes (reference §3.4).
const (
	OK               Code = 0
	ThresholdsFailed Code = 99
	SetupTimeout     Code = 100
	TeardownTimeout  Code = 101
	GenericTimeout   Code = 102
	StoppedByAPI     Code = 103 // PATCH /v1/status stopped:true
	InvalidConfig    Code = 104
	ExternalAbort    Code = 105
	CannotStartAPI   Code = 106 // --address could not be bound
	ScriptException  Code = 107
	ScriptAborted    Code = 108
	GoPanic          Code = 109
	MarkedAsFailed   Code = 110
	GenericError     Code = 255

	// OutputFailed is llmbench's own: the run's results could not all be
	// written (a full disk, a read-only directory): --out files and
	// --results. k6 has no code for it (it logs and exits 0).
	OutputFailed Code = 111
)

// Error is an error that carries the exit code the process should end with.
type Error struct {
	Code Code
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// New wraps err with code. A nil err stays nil.
func New(code Code, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Errorf formats an error carrying code.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// CodeOf returns the exit code for err: 0 for nil, the outermost Error's code,
// else GenericError.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return GenericError
}
