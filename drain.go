package llm

import (
	"io"
	"time"
)

// drainWait bounds how long a request waits, after [DONE], for the rest of
// its response (normally only the chunked body's terminator, sent right
// behind [DONE]) so that its connection can be reused.
const drainWait = 10 * time.Millisecond

// drainAfterDone reads what follows [DONE] for at most drainWait and
// drainLimit bytes. A server that keeps the response open after [DONE]
// (SSE keep-alive comments, a buffering proxy) does not hold the request:
// the read goes on in the background until the caller closes the body
// (which then closes the connection). Bytes read in time are added to
// *received; later ones are discarded uncounted (the Result is no longer
// the reader's to touch).
func drainAfterDone(body io.Reader, received *int64) {
	if cr, ok := body.(*countingReader); ok {
		body = cr.r
	}
	n := make(chan int64, 1)
	go func() {
		c, _ := io.Copy(io.Discard, io.LimitReader(body, drainLimit))
		n <- c
	}()
	t := time.NewTimer(drainWait)
	defer t.Stop()
	select {
	case c := <-n:
		*received += c
	case <-t.C:
	}
}
