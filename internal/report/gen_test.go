package report

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"time"
)

// genRun describes a synthetic run written in k6's JSON output format
// (reference §6.1): one Metric line before a metric's first Point, Points
// with RFC 3339 times and tags.
type genRun struct {
	start    time.Time
	requests int           // one request every gap
	gap      time.Duration // between request ends
	ttft     func(i int) float64
	e2e      func(i int) float64
	tokens   int         // output tokens per request
	failEach int         // every failEach-th request fails (0: none)
	models   []string    // round-robin models
	gpus     int         // GPUs sampled every second (0: none)
	power    float64     // watts per GPU
	tags     [][2]string // added to every sample's tags (e.g. testrun_name)
}

// write writes the run to w and returns the number of Point lines.
func (g genRun) write(w io.Writer) int {
	bw := bufio.NewWriterSize(w, 1<<20)
	defer bw.Flush()
	declared := map[string]bool{}
	points := 0
	var buf []byte
	point := func(metric, typ, contains string, t time.Time, v float64, tags [][2]string) {
		if !declared[metric] {
			declared[metric] = true
			buf = append(buf[:0], `{"type":"Metric","data":{"name":"`...)
			buf = append(buf, metric...)
			buf = append(buf, `","type":"`...)
			buf = append(buf, typ...)
			buf = append(buf, `","contains":"`...)
			buf = append(buf, contains...)
			buf = append(buf, `","thresholds":[],"submetrics":null},"metric":"`...)
			buf = append(buf, metric...)
			buf = append(buf, "\"}\n"...)
			bw.Write(buf)
		}
		buf = append(buf[:0], `{"metric":"`...)
		buf = append(buf, metric...)
		buf = append(buf, `","type":"Point","data":{"time":"`...)
		buf = t.AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, `","value":`...)
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		buf = append(buf, `,"tags":{`...)
		for i, kv := range append(slices.Clone(tags), g.tags...) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendQuote(buf, kv[0])
			buf = append(buf, ':')
			buf = strconv.AppendQuote(buf, kv[1])
		}
		buf = append(buf, `},"metadata":{"vu":"1","iter":"`...)
		buf = strconv.AppendInt(buf, int64(points), 10)
		buf = append(buf, "\"}}}\n"...)
		bw.Write(buf)
		points++
	}
	models := g.models
	if len(models) == 0 {
		models = []string{"m"}
	}
	nextGPU := g.start
	for i := range g.requests {
		end := g.start.Add(time.Duration(i+1) * g.gap)
		for g.gpus > 0 && !nextGPU.After(end) {
			for k := range g.gpus {
				tags := [][2]string{{"gpu", strconv.Itoa(k)}, {"gpu_name", "Fake GPU"}}
				point("gpu_utilization", "gauge", "default", nextGPU, 50+float64(k)*10, tags)
				point("gpu_power", "gauge", "default", nextGPU, g.power, tags)
				point("gpu_energy", "counter", "default", nextGPU, g.power, tags) // 1 s at g.power watts
			}
			nextGPU = nextGPU.Add(time.Second)
		}
		failed := g.failEach > 0 && (i+1)%g.failEach == 0
		tags := [][2]string{{"scenario", "chat"}, {"target", "mock"}, {"status", "200"}}
		if !failed {
			tags = append(tags, [2]string{"model", models[i%len(models)]})
		} else {
			tags = append(tags, [2]string{"error_code", "status_500"})
		}
		point("vus", "gauge", "default", end, 2, [][2]string{})
		point("llm_requests", "counter", "default", end, 1, tags)
		fv := 0.0
		if failed {
			fv = 1
		}
		point("llm_request_failed", "rate", "default", end, fv, tags)
		point("llm_goodput", "rate", "default", end, 1-fv, tags)
		if failed {
			continue
		}
		e2e := g.e2e(i)
		point("llm_request_duration", "trend", "time", end, e2e, tags)
		point("llm_ttft", "trend", "time", end, g.ttft(i), tags)
		point("llm_ttfo", "trend", "time", end, g.ttft(i), tags)
		point("llm_output_tokens", "counter", "default", end, float64(g.tokens), tags)
		if g.tokens > 1 {
			itl := (e2e - g.ttft(i)) / float64(g.tokens-1)
			point("llm_tpot", "trend", "time", end, itl, tags)
			for range g.tokens - 1 {
				point("llm_itl", "trend", "time", end, itl, tags)
			}
		}
	}
	return points
}
