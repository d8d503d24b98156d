package influxdb

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// client talks to InfluxDB v1's HTTP API.
type client struct {
	http     *http.Client
	writeURL string
	queryURL string
	user     string
	pass     string
	// retries after the first attempt, and the first backoff (doubled each
	// time, capped at maxBackoff).
	retries    int
	backoff    time.Duration
	maxBackoff time.Duration
}

func newClient(c Config) (*client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if c.Insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for it
	}
	if c.Proxy != "" {
		pu, err := url.Parse(c.Proxy)
		if err != nil {
			return nil, fmt.Errorf("influxdb output: proxy %q: %w", c.Proxy, err)
		}
		tr.Proxy = http.ProxyURL(pu)
	}
	q := url.Values{"db": {c.DB}}
	p, _ := precisionOf(c.Precision)
	q.Set("precision", precisionParam(p))
	if c.Retention != "" {
		q.Set("rp", c.Retention)
	}
	if c.Consistency != "" {
		q.Set("consistency", c.Consistency)
	}
	return &client{
		http:     &http.Client{Transport: tr, Timeout: 10 * time.Second},
		writeURL: c.Addr + "/write?" + q.Encode(),
		queryURL: c.Addr + "/query",
		user:     c.Username, pass: c.Password,
		retries: 3, backoff: 200 * time.Millisecond, maxBackoff: 5 * time.Second,
	}, nil
}

// statusError is a non-2xx answer.
type statusError struct {
	code int
	body string
}

func (e *statusError) Error() string {
	msg := fmt.Sprintf("influxdb answered %d: %s", e.code, strings.TrimSpace(e.body))
	if e.code == http.StatusUnauthorized && strings.Contains(e.body, "unauthorized access") {
		msg += " (is this InfluxDB v2? The influxdb output speaks the v1 API)"
	}
	return msg
}

func retryable(err error) bool {
	se, ok := err.(*statusError)
	if !ok {
		return true // network error
	}
	return se.code >= 500 || se.code == http.StatusTooManyRequests
}

func (c *client) do(ctx context.Context, method, u string, body []byte, form url.Values) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	} else if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("influxdb request: %w", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode/100 != 2 {
		return &statusError{resp.StatusCode, string(msg)}
	}
	return nil
}

// createDB issues CREATE DATABASE (a no-op when it exists).
func (c *client) createDB(ctx context.Context, db string) error {
	q := `CREATE DATABASE "` + strings.ReplaceAll(db, `"`, `\"`) + `"`
	return c.do(ctx, http.MethodPost, c.queryURL, nil, url.Values{"q": {q}})
}

// write sends body, retrying with backoff on network errors, 429 and 5xx.
func (c *client) write(ctx context.Context, body []byte) error {
	wait := c.backoff
	var err error
	for attempt := 0; ; attempt++ {
		if err = c.do(ctx, http.MethodPost, c.writeURL, body, nil); err == nil {
			return nil
		}
		if !retryable(err) || attempt >= c.retries {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, c.maxBackoff)
	}
}
