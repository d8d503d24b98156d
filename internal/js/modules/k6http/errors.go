package k6http

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/llmbench/llmbench/internal/netx"
)

// classify maps a request error to k6's error code and message
// (reference §5): the code goes to error_code, the message to error.
func classify(err error) (int, string) {
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	var (
		ta  *throwAlways
		bh  *netx.BlockedHostnameError
		bl  *netx.BlacklistedIPError
		dns *net.DNSError
		op  *net.OpError
		ua  x509.UnknownAuthorityError
		hn  x509.HostnameError
		rh  tls.RecordHeaderError
		cv  *tls.CertificateVerificationError
	)
	switch {
	case errors.Is(err, errTimeout), errors.Is(err, context.DeadlineExceeded):
		return 1050, "request timeout"
	case errors.As(err, &ta):
		return 1000, ta.Error()
	case errors.As(err, &bh):
		return 1111, bh.Error()
	case errors.As(err, &bl):
		return 1110, bl.Error()
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return 1101, "lookup: no such host"
		}
		return 1100, err.Error()
	case errors.As(err, &ua):
		return 1310, "x509: unknown authority"
	case errors.As(err, &hn):
		return 1311, "x509: certificate doesn't match hostname"
	case errors.As(err, &cv):
		return 1310, "x509: unknown authority"
	case errors.As(err, &rh):
		return 1301, err.Error()
	case errors.As(err, &op):
		return classifyOp(op)
	}
	msg := err.Error()
	for _, p := range []struct {
		prefix string
		base   int
	}{{"http2: received GoAway", 1610}, {"http2: stream error", 1630}, {"http2: connection error", 1650}} {
		if strings.Contains(msg, p.prefix) {
			return p.base, msg
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return 1050, "request timeout"
	}
	return 1000, msg
}

func classifyOp(op *net.OpError) (int, string) {
	if op.Net != "tcp" && op.Net != "tcp4" && op.Net != "tcp6" {
		if op.Timeout() {
			return 1050, "request timeout"
		}
		return 1010, op.Error()
	}
	var errno syscall.Errno
	hasErrno := errors.As(op.Err, &errno)
	var sce *os.SyscallError
	if op.Op == "dial" {
		switch {
		case op.Timeout():
			return 1211, "dial: i/o timeout"
		case hasErrno && errno == syscall.ECONNREFUSED:
			return 1212, "dial: connection refused"
		case hasErrno:
			return 1213, fmt.Sprintf("dial: unknown errno %d error with msg `%s`", int(errno), errno.Error())
		}
		return 1210, op.Error()
	}
	if op.Timeout() {
		return 1050, "request timeout"
	}
	switch {
	case hasErrno && errno == syscall.EPIPE:
		return 1201, op.Op + ": broken pipe"
	case hasErrno && errno == syscall.ECONNRESET:
		return 1220, op.Op + ": connection reset by peer"
	case hasErrno:
		_ = errors.As(op.Err, &sce)
		return 1202, fmt.Sprintf("%s: unknown errno `%d` on linux with message `%s`", op.Op, int(errno), errno.Error())
	}
	return 1200, op.Error()
}
