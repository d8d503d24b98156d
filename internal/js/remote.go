package js

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"sync"
	"time"
)

// remoteAttemptTimeout bounds each attempt to fetch a remote module, as k6
// does.
const remoteAttemptTimeout = time.Minute

// remoteFetcher fetches https:// modules, keeping each body in memory for
// the run (nothing is written to disk; the next run fetches again).
type remoteFetcher struct {
	// client is nil for Go's default client: proxy variables and the
	// system's CAs apply, as in k6, and the script's options do not.
	client *http.Client

	// seed holds modules known before the run (from an archive), by URL
	// without its query; they are never requested.
	seed map[string][]byte

	mu    sync.Mutex
	cache map[string][]byte
}

// RemoteModuleError is a remote module that could not be fetched. Its
// message starts with k6's text and says how to run without the network.
type RemoteModuleError struct {
	Spec, URL string
	Err       error
}

func (e *RemoteModuleError) Error() string {
	return fmt.Sprintf("The moduleSpecifier %q couldn't be retrieved from the resolved url %q. Error : %q"+
		" - llmbench fetches https:// modules at start (no cache between runs); without network access,"+
		" save the file next to the script (curl -o %s %s) and import it by its relative path",
		e.Spec, e.URL, e.Err.Error(), pathBase(e.URL), e.URL)
}

func (e *RemoteModuleError) Unwrap() error { return e.Err }

func pathBase(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "module.js"
	}
	if b := path.Base(p.Path); b != "/" && b != "." {
		return b
	}
	return "module.js"
}

// fetch returns the body of u (imported as spec): first with `_k6=1` added
// to the query, then, on any failure, the plain URL, as k6 does.
func (f *remoteFetcher) fetch(spec string, u *url.URL) ([]byte, error) {
	key := u.String()
	f.mu.Lock()
	b, ok := f.cache[key]
	f.mu.Unlock()
	if ok {
		return b, nil
	}
	plain := *u
	plain.RawQuery, plain.Fragment = "", ""
	if b, ok := f.seed[plain.String()]; ok {
		f.mu.Lock()
		f.cache[key] = b
		f.mu.Unlock()
		return b, nil
	}
	first := *u
	if first.RawQuery == "" {
		first.RawQuery = "_k6=1"
	} else {
		first.RawQuery += "&_k6=1"
	}
	b, err := f.get(first.String())
	if err != nil {
		b, err = f.get(key)
	}
	if err != nil {
		return nil, &RemoteModuleError{Spec: spec, URL: key, Err: err}
	}
	f.mu.Lock()
	f.cache[key] = b
	f.mu.Unlock()
	return b, nil
}

func (f *remoteFetcher) get(u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), remoteAttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	c := f.client
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("not found: %s", u)
	case res.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("wrong status code (%d) for: %s", res.StatusCode, u)
	}
	return io.ReadAll(res.Body)
}

// Sources returns the remote modules fetched so far (URL → body), e.g. for
// writing them into an archive.
func (f *remoteFetcher) Sources() map[string][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string][]byte, len(f.cache))
	for k, v := range f.cache {
		out[k] = v
	}
	return out
}
