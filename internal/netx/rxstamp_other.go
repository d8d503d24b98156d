//go:build !linux

package netx

import "net"

// rxReader is Linux-only: elsewhere connections read as dialled.
type rxReader struct{}

// newRxReader reports that receive timestamps are not available here.
func newRxReader(*net.TCPConn) *rxReader { return nil }

func (*rxReader) read(net.Conn, []byte) (int, int64, error) { panic("netx: rxReader outside Linux") }

func keepStampsOn() {}
