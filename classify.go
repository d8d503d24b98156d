package llm

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// ErrEmptyResponse: a 2xx stream that ended at [DONE] without a single
// data event (no token, no finish_reason): a server that answered nothing.
const ErrEmptyResponse = "empty_response"

// isEventStream reports whether a Content-Type is text/event-stream. Media
// types are case-insensitive and may carry parameters (RFC 9110 §8.3.1).
func isEventStream(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt == "text/event-stream"
}

// encoded reports a Content-Encoding the client cannot read: it asks for
// none and decodes none (a decoder would buffer between socket and clock).
func encoded(h http.Header) string {
	for _, v := range h.Values("Content-Encoding") {
		for _, e := range strings.Split(v, ",") {
			if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "identity") {
				return e
			}
		}
	}
	return ""
}

// failEncoded marks res failed for a body encoded with enc.
func failEncoded(res *Result, enc string) {
	fail(res, ErrMalformedChunk, fmt.Errorf("the server sent a %s-encoded body although none was asked for (Accept-Encoding not sent); llmbench reads streams uncompressed", enc))
}

// errRedirect is returned for any redirect: following a 301/302 would turn
// the POST into a GET without its body, and could send the API key to
// another host.
var errRedirect = errors.New("not followed: a redirected POST loses its body and could forward the API key to another host; use the final URL as baseURL")

// refuseRedirect is the Client's http.Client CheckRedirect.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	return fmt.Errorf("HTTP %d redirect to %s %w", req.Response.StatusCode, req.URL.Redacted(), errRedirect)
}

// streamEnd judges a stream that ended (EOF or [DONE]) without an error
// event: "" when it is complete. No data event at all before [DONE] is an
// empty response; bytes without a single event are not an event stream
// (binary garbage, an HTML page, a compressed body); otherwise an EOF
// before [DONE] and before a finish_reason is a cut stream.
func streamEnd(done bool, res *Result) (string, error) {
	if res.Chunks == 0 && res.FinishReason == "" {
		if done {
			return ErrEmptyResponse, errors.New("the stream ended at [DONE] without a single data event (no token, no finish_reason)")
		}
		if res.BytesReceived > 0 {
			return ErrMalformedChunk, fmt.Errorf("not an event stream: %d bytes without a single data event", res.BytesReceived)
		}
	}
	if !done && res.FinishReason == "" {
		return ErrStreamCut, errors.New("stream ended before [DONE] or a finish_reason")
	}
	return "", nil
}
