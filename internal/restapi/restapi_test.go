package restapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/llmbench/llmbench/internal/restapi"
)

type fakeRun struct {
	mu      sync.Mutex
	st      restapi.Status
	stopped int
	started bool
}

func (f *fakeRun) Status() restapi.Status { f.mu.Lock(); defer f.mu.Unlock(); return f.st }
func (f *fakeRun) Stop()                  { f.mu.Lock(); f.stopped++; f.st.Stopped = true; f.mu.Unlock() }
func (f *fakeRun) SetPaused(p bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p && f.started {
		return errors.New("cannot pause a running test")
	}
	f.st.Paused = p
	if !p {
		f.started, f.st.Status, f.st.Running = true, restapi.StatusRunning, true
	}
	return nil
}

func TestStatusAPI(t *testing.T) {
	run := &fakeRun{st: restapi.Status{Status: restapi.StatusPausedBeforeRun, Paused: true, VUsMax: 3}}
	srv, err := restapi.Listen("127.0.0.1:0", run)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	url := "http://" + srv.Addr().String() + "/v1/status"
	do := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	steps := []struct {
		method, path, body string
		code               int
		want               string
	}{
		{"GET", url, "", 200, `{"data":{"type":"status","id":"default","attributes":{"status":4,"paused":true,"vus":0,"vus-max":3,"stopped":false,"running":false,"tainted":false}}}`},
		// The k6-operator starter's exact body.
		{"PATCH", url, `{"data":{"attributes":{"paused":false,"stopped":false},"id":"default","type":"status"}}`, 200,
			`{"data":{"type":"status","id":"default","attributes":{"status":7,"paused":false,"vus":0,"vus-max":3,"stopped":false,"running":true,"tainted":false}}}`},
		{"PATCH", url, `{"data":{"attributes":{"paused":true}}}`, 500, `"title":"Pause error","detail":"cannot pause a running test"`},
		{"PATCH", url, `{"data":{"attributes":{"vus":5}}}`, 500, `"title":"Scaling error"`},
		{"PATCH", url, `{"data":`, 400, `"status":"400","title":"Invalid JSON"`},
		{"GET", strings.Replace(url, "status", "metrics", 1), "", 404, `"errors":[{"status":"404"`},
		// The stopper's body.
		{"PATCH", url, `{"data":{"attributes":{"paused":false,"stopped":true},"id":"default","type":"status"}}`, 200, `"stopped":true`},
	}
	for _, s := range steps {
		code, body := do(s.method, s.path, s.body)
		if code != s.code || !strings.Contains(body, s.want) {
			t.Errorf("%s %s %s = %d %s; want %d containing %s", s.method, s.path, s.body, code, body, s.code, s.want)
		}
	}
	if run.stopped != 1 {
		t.Errorf("Stop called %d times, want 1", run.stopped)
	}
}

type fakeLifecycle struct {
	fakeRun
	data     []byte
	setupErr error
	torn     int
}

func (f *fakeLifecycle) Setup() (json.RawMessage, error) {
	if f.setupErr != nil {
		return nil, f.setupErr
	}
	f.data = []byte(`{"token":"t"}`)
	return f.data, nil
}
func (f *fakeLifecycle) SetSetupData(d json.RawMessage) error { f.data = d; return nil }
func (f *fakeLifecycle) SetupData() json.RawMessage           { return f.data }
func (f *fakeLifecycle) Teardown() error                      { f.torn++; return nil }

func TestSetupAPI(t *testing.T) {
	lc := &fakeLifecycle{}
	srv := httptest.NewServer(restapi.Handler(lc))
	defer srv.Close()
	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	steps := []struct {
		method, path, body string
		code               int
		want               string
	}{
		{"GET", "/v1/setup", "", 200, `{"data":{"attributes":{},"id":"default","type":"setupData"}}`},
		{"POST", "/v1/setup", "", 200, `{"data":{"attributes":{"data":{"token":"t"}},"id":"default","type":"setupData"}}`},
		{"PUT", "/v1/setup", `[1,2]`, 200, `{"data":{"attributes":{"data":[1,2]},"id":"default","type":"setupData"}}`},
		{"PUT", "/v1/setup", `null`, 200, `{"data":{"attributes":{},"id":"default","type":"setupData"}}`},
		{"PUT", "/v1/setup", `{x`, 400, `"title":"Error parsing request body"`},
		{"POST", "/v1/teardown", "", 200, ``},
	}
	for _, s := range steps {
		if code, body := do(s.method, s.path, s.body); code != s.code || !strings.Contains(body, s.want) {
			t.Errorf("%s %s %s = %d %s; want %d with %s", s.method, s.path, s.body, code, body, s.code, s.want)
		}
	}
	lc.setupErr = errors.New("boom")
	if code, body := do("POST", "/v1/setup", ""); code != 500 || !strings.Contains(body, `"title":"Error executing setup","detail":"boom"`) {
		t.Errorf("failing setup = %d %s", code, body)
	}
	if lc.torn != 1 {
		t.Errorf("teardown ran %d times", lc.torn)
	}
	// A Controller that is not a Lifecycle has no /v1/setup.
	plain := httptest.NewServer(restapi.Handler(&fakeRun{}))
	defer plain.Close()
	resp, err := http.Post(plain.URL+"/v1/setup", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("POST /v1/setup without a Lifecycle = %d, want 404", resp.StatusCode)
	}
}
