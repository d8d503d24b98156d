//go:build !linux

package llm

import "net"

// rxReader is Linux-only: elsewhere no connection is wrapped.
type rxReader struct{}

// newRxConn reports that receive timestamps are not available here.
func newRxConn(*net.TCPConn) *rxConn { return nil }

func (rxReader) read(net.Conn, []byte) (int, int64, error) { panic("llm: rxReader outside Linux") }

func keepStampsOn() {}
