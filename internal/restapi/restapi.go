// Package restapi serves the part of k6's REST API v1 that the k6-operator
// uses (reference k6-operator.md §3): GET and PATCH /v1/status with k6's
// JSON:API shapes, and /v1/setup and /v1/teardown when the Controller is
// also a Lifecycle. The run behind it is a Controller; the server holds no
// run state of its own.
package restapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Execution statuses, k6's lib.ExecutionStatus (serialised as numbers).
const (
	StatusCreated         = 0
	StatusInitVUs         = 1
	StatusInitExecutors   = 2
	StatusInitDone        = 3
	StatusPausedBeforeRun = 4
	StatusStarted         = 5
	StatusSetup           = 6
	StatusRunning         = 7
	StatusTeardown        = 8
	StatusEnded           = 9
	StatusInterrupted     = 10
	StatusMarkedAsFailed  = 11
)

// Status is a run's state as GET /v1/status reports it.
type Status struct {
	Status  int   // one of the Status* constants
	Paused  bool  // waiting for PATCH paused=false
	VUs     int64 // active VUs
	VUsMax  int64 // initialised VUs
	Stopped bool  // the run context is cancelled
	Running bool  // started and not ended
	Tainted bool  // a threshold is breached
}

// Controller is the run the API reads and steers. Its methods are called
// from HTTP handlers, concurrently with the run.
type Controller interface {
	Status() Status
	// SetPaused pauses or resumes; an error is answered with HTTP 500.
	SetPaused(paused bool) error
	// Stop aborts the run (k6's exit code 103).
	Stop()
}

// Lifecycle is implemented by a Controller that runs setup() and
// teardown() on request (the k6-operator's setup-once flow, reference
// k6-operator.md §4): POST, PUT and GET /v1/setup, POST /v1/teardown.
type Lifecycle interface {
	// Setup runs setup() and returns its data (nil: none).
	Setup() (json.RawMessage, error)
	// SetSetupData sets the data the VUs and teardown receive.
	SetSetupData(data json.RawMessage) error
	// SetupData returns the current setup data (nil: none).
	SetupData() json.RawMessage
	// Teardown runs teardown(data).
	Teardown() error
}

type statusJSON struct {
	Data statusData `json:"data"`
}

type statusData struct {
	Type       string     `json:"type"`
	ID         string     `json:"id"`
	Attributes statusAttr `json:"attributes"`
}

type statusAttr struct {
	Status  int    `json:"status"`
	Paused  *bool  `json:"paused"`
	VUs     *int64 `json:"vus"`
	VUsMax  *int64 `json:"vus-max"`
	Stopped bool   `json:"stopped"`
	Running bool   `json:"running"`
	Tainted bool   `json:"tainted"`
}

// patchJSON is PATCH /v1/status's body; absent and null fields are nil.
type patchJSON struct {
	Data struct {
		Attributes struct {
			Paused  *bool            `json:"paused"`
			Stopped bool             `json:"stopped"`
			VUs     *json.RawMessage `json:"vus"`
			VUsMax  *json.RawMessage `json:"vus-max"`
		} `json:"attributes"`
	} `json:"data"`
}

// Handler returns the API's HTTP handler for c.
func Handler(c Controller) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, c.Status())
	})
	mux.HandleFunc("PATCH /v1/status", func(w http.ResponseWriter, r *http.Request) {
		var p patchJSON
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&p); err != nil {
			writeError(w, http.StatusBadRequest, "Invalid JSON", err)
			return
		}
		a := p.Data.Attributes
		if a.Stopped {
			c.Stop()
		} else if a.Paused != nil {
			if err := c.SetPaused(*a.Paused); err != nil {
				writeError(w, http.StatusInternalServerError, "Pause error", err)
				return
			}
		}
		if (a.VUs != nil && string(*a.VUs) != "null") || (a.VUsMax != nil && string(*a.VUsMax) != "null") {
			writeError(w, http.StatusInternalServerError, "Scaling error",
				errors.New("changing vus or vus-max is not supported: llmbench runs the executors' own VU plans"))
			return
		}
		writeStatus(w, c.Status())
	})
	if lc, ok := c.(Lifecycle); ok {
		mux.HandleFunc("GET /v1/setup", func(w http.ResponseWriter, _ *http.Request) { writeSetup(w, lc.SetupData()) })
		mux.HandleFunc("POST /v1/setup", func(w http.ResponseWriter, _ *http.Request) {
			data, err := lc.Setup()
			if err != nil {
				writeError(w, http.StatusInternalServerError, "Error executing setup", err)
				return
			}
			writeSetup(w, data)
		})
		mux.HandleFunc("PUT /v1/setup", func(w http.ResponseWriter, r *http.Request) {
			// The body is the raw setup data (not wrapped), null for none.
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<20))
			if err == nil && len(bytes.TrimSpace(b)) > 0 && !json.Valid(b) {
				err = errors.New("the body is not JSON")
			}
			if err != nil {
				writeError(w, http.StatusBadRequest, "Error parsing request body", err)
				return
			}
			if len(bytes.TrimSpace(b)) == 0 {
				b = nil
			}
			if err := lc.SetSetupData(b); err != nil {
				writeError(w, http.StatusInternalServerError, "Error setting setup data", err)
				return
			}
			writeSetup(w, lc.SetupData())
		})
		mux.HandleFunc("POST /v1/teardown", func(w http.ResponseWriter, _ *http.Request) {
			if err := lc.Teardown(); err != nil {
				writeError(w, http.StatusInternalServerError, "Error executing teardown", err)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found", fmt.Errorf("%s %s is not part of llmbench's REST API (/v1/status, /v1/setup, /v1/teardown)", r.Method, r.URL.Path))
	})
	return mux
}

func writeStatus(w http.ResponseWriter, s Status) {
	paused, vus, vusMax := s.Paused, s.VUs, s.VUsMax
	writeJSON(w, http.StatusOK, statusJSON{Data: statusData{Type: "status", ID: "default", Attributes: statusAttr{
		Status: s.Status, Paused: &paused, VUs: &vus, VUsMax: &vusMax,
		Stopped: s.Stopped, Running: s.Running, Tainted: s.Tainted,
	}}})
}

// writeSetup writes the setupData envelope; with no data, attributes is {}.
func writeSetup(w http.ResponseWriter, data json.RawMessage) {
	attrs := map[string]json.RawMessage{}
	if len(data) > 0 && string(data) != "null" {
		attrs["data"] = data
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"type": "setupData", "id": "default", "attributes": attrs}})
}

func writeError(w http.ResponseWriter, code int, title string, err error) {
	type apiError struct {
		Status string `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	writeJSON(w, code, map[string][]apiError{"errors": {{Status: fmt.Sprint(code), Title: title, Detail: err.Error()}}})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// Server is a started API server.
type Server struct {
	srv  *http.Server
	addr net.Addr
	done chan struct{}
}

// Listen binds addr ("host:port") and serves c on it until Close. Binding
// happens before Listen returns, so the API answers while the script
// initialises (the k6-operator's probes need that).
func Listen(addr string, c Controller) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting the REST API on %s: %w", addr, err)
	}
	s := &Server{srv: &http.Server{Handler: Handler(c), ReadHeaderTimeout: 10 * time.Second}, addr: ln.Addr(), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Addr returns the bound address.
func (s *Server) Addr() net.Addr { return s.addr }

// Close stops the server, letting in-flight requests finish for up to 1 s.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
