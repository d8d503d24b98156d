// Package xsse is the "k6/x/sse" module: a drop-in for the phymbert/xk6-sse
// k6 extension that the public LLM benchmarks (llama.cpp's server bench,
// TGI's) stream with. It follows xk6-sse's JavaScript surface and observable
// behaviour as recorded in ../shared/reference/k6-http.md §13:
//
//	import sse from 'k6/x/sse';
//	const res = sse.open(url, { method: 'POST', body, headers, tags, jar, timeout: '30s' }, (client) => {
//	  client.on('open', () => {});
//	  client.on('event', (e) => { e.id; e.name; e.comment; e.data; });
//	  client.on('error', (e) => { console.log(e.error()); client.close(); });
//	});
//	// res: { url, status, headers, error }
//
// sse.open blocks the VU until the stream ends, a handler calls
// client.close() or the VU must stop; handlers run on the VU goroutine. It
// emits the sse_event counter (once per dispatched event) and xk6-sse's
// http_* samples: http_req_sending twice (headers latency), http_reqs and
// http_req_duration (the whole exchange).
//
// Built on the VU's network handle (internal/netx): the connection is
// dialled by the VU's dialer (hosts, blocked hostnames, DNS policy,
// blacklisted IPs), its wire bytes go to data_sent/data_received, and each
// event carries the kernel's receive time of the bytes that completed it
// (netx.Clock): it stamps the sse_event sample and is readable as the
// non-enumerable e.receivedAt (Unix ms, µs resolution), so that a script can
// see how late its own Date.now() is (docs/metrics.md).
package xsse

import (
	"errors"
	"fmt"
	"sync"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
)

// Module is the "k6/x/sse" module.
type Module struct{}

// New returns the "k6/x/sse" module.
func New() *Module { return &Module{} }

// NewInstance registers sse_event and the http_* metrics it emits
// (idempotent) and builds one VU's sse object.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	i := &instance{vu: v}
	if env := v.InitEnv(); env != nil && env.Net != nil {
		env.Net.WantReceiveStamps() // before any request: events carry their packet's arrival
	}
	if env := v.InitEnv(); env != nil && env.Registry != nil {
		m, err := registerMetrics(env.Registry)
		if err != nil {
			return nil, fmt.Errorf("k6/x/sse: registering metrics: %w", err)
		}
		i.m = m
	}
	return i, nil
}

type instance struct {
	vu modules.VU
	m  *sseMetrics
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string { return []string{"open"} }

// Exports implements modules.Instance: a default export with open (and the
// same as a named export).
func (i *instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{"open": i.open}}
}

// sseMetrics are the metrics sse.open emits.
type sseMetrics struct {
	event, reqs, sending, duration *metrics.Metric
}

var metricsMu sync.Mutex

func registerMetrics(r *metrics.Registry) (*sseMetrics, error) {
	metricsMu.Lock()
	defer metricsMu.Unlock()
	var errs []error
	mk := func(name string, t metrics.Type, vt ...metrics.ValueType) *metrics.Metric {
		m, err := r.NewMetric(name, t, vt...)
		errs = append(errs, err)
		return m
	}
	m := &sseMetrics{
		event:    mk("sse_event", metrics.Counter),
		reqs:     mk("http_reqs", metrics.Counter),
		sending:  mk("http_req_sending", metrics.Trend, metrics.Time),
		duration: mk("http_req_duration", metrics.Trend, metrics.Time),
	}
	return m, errors.Join(errs...)
}

func (i *instance) metrics(st *modules.State) *sseMetrics {
	if i.m == nil {
		m, err := registerMetrics(st.Registry)
		if err != nil {
			throw(i.vu.Runtime(), err)
		}
		i.m = m
	}
	return i.m
}

// throw throws err as a GoError, as k6 throws the errors a module returns.
func throw(rt *sobek.Runtime, err error) {
	panic(rt.NewGoError(err))
}

func isNullish(v sobek.Value) bool { return v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) }
