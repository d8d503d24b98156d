package netx

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rxReader reads a socket with recvmsg and returns the kernel's receive
// timestamp (SCM_TIMESTAMPNS) of the bytes read. Its callback and buffers
// are built once per connection, so a read allocates nothing.
type rxReader struct {
	raw syscall.RawConn
	fn  func(fd uintptr) bool
	// msg and iov are the recvmsg arguments, kept here (unix.Recvmsg
	// allocates a sockaddr per call).
	msg unix.Msghdr
	iov unix.Iovec
	oob [64]byte
	n   int
	ts  int64
	err error
}

// keepStampsOn turns the kernel's receive timestamping on for the life of
// the process, once, with a socket that asks for it and is never closed.
// Linux switches timestamping on asynchronously (a deferred static-key
// update) when the first socket asks and off when the last one closes, so
// without it the first responses of a run, read on the first connections,
// would arrive unstamped and take the read time.
var keepStampsOn = sync.OnceFunc(func() {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1) != nil {
		_ = unix.Close(fd)
	}
})

// newRxReader turns on SO_TIMESTAMPNS for tc and returns its recvmsg
// reader; nil when the kernel refuses.
func newRxReader(tc *net.TCPConn) *rxReader {
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		return nil
	}
	r := &rxReader{raw: raw}
	r.fn = r.recv
	return r
}

// recv is the RawConn.Read callback: false asks the poller to wait for
// the socket to become readable.
func (r *rxReader) recv(fd uintptr) bool {
	r.msg.SetControllen(len(r.oob))
	r.msg.Flags = 0
	n, _, errno := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&r.msg)), 0)
	for errno == unix.EINTR {
		r.msg.SetControllen(len(r.oob))
		n, _, errno = unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&r.msg)), 0)
	}
	if errno == unix.EAGAIN {
		return false
	}
	r.n, r.err, r.ts = int(n), nil, 0
	if errno != 0 {
		r.n, r.err = 0, errno
		return true
	}
	r.ts = timestampNS(r.oob[:r.msg.Controllen])
	return true
}

// read reads into p from c: bytes read, receive stamp (Unix ns, 0 when
// none) and the error, with io.EOF at the end of the stream and errors
// wrapped as net.TCPConn.Read wraps them.
func (r *rxReader) read(c net.Conn, p []byte) (int, int64, error) {
	if len(p) == 0 {
		return 0, 0, nil
	}
	r.iov.Base = &p[0]
	r.iov.SetLen(len(p))
	r.msg.Iov = &r.iov
	r.msg.Iovlen = 1
	r.msg.Control = &r.oob[0]
	err := r.raw.Read(r.fn) // deadline, close and poller errors, already *net.OpError
	r.iov.Base = nil        // do not keep the caller's buffer alive
	if err != nil {
		return 0, 0, err
	}
	if r.err != nil {
		return 0, 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError("recvmsg", r.err)}
	}
	if r.n == 0 {
		return 0, 0, io.EOF
	}
	return r.n, r.ts, nil
}

// timestampNS finds an SCM_TIMESTAMPNS control message in oob.
func timestampNS(oob []byte) int64 {
	for len(oob) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < unix.SizeofCmsghdr || l > len(oob) {
			return 0
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && l >= unix.SizeofCmsghdr+16 {
			d := oob[unix.SizeofCmsghdr:]
			sec := int64(binary.NativeEndian.Uint64(d[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(d[8:16]))
			return sec*1e9 + nsec
		}
		oob = oob[cmsgAlign(l):]
	}
	return 0
}

func cmsgAlign(l int) int {
	const a = int(unsafe.Sizeof(uintptr(0)))
	return (l + a - 1) &^ (a - 1)
}
