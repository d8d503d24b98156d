// bench/llm.sh sse: the load of stream.js (STREAMS VUs each sending REQUESTS
// streaming chat requests one after the other) through k6/x/sse, the way
// xk6-sse scripts stream: sse.open per request, one 'event' handler call per
// event. The handler does the least a script does (a string test per event
// to count the token chunks); PARSE=1 adds JSON.parse of every chunk, as
// llama.cpp's bench does.
import sse from 'k6/x/sse';
import { Counter } from 'k6/metrics';

const streams = Number(__ENV.STREAMS || 50);
const requests = Number(__ENV.REQUESTS || 10);
const parse = !!__ENV.PARSE;
const tokenChunks = new Counter('bench_token_chunks');
const failures = new Counter('bench_failed');

export const options = {
  scenarios: { streams: { executor: 'per-vu-iterations', vus: streams, iterations: requests, maxDuration: '1h' } },
  summaryTrendStats: ['med', 'p(99)', 'max'],
};

const params = {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    model: 'mock-model', messages: [{ role: 'user', content: 'Hi' }], max_tokens: Number(__ENV.MAX_TOKENS || 128),
    stream: true, stream_options: { include_usage: true },
  }),
};

export default function () {
  let n = 0, done = false;
  const res = sse.open(__ENV.LLM_BASE_URL + '/chat/completions', params, (client) => {
    client.on('event', (e) => {
      if (e.data === '[DONE]') { done = true; return; }
      if (parse) {
        const c = JSON.parse(e.data);
        if (c.choices && c.choices.length && c.choices[0].delta && c.choices[0].delta.content) n++;
      } else if (e.data.indexOf('"content":"tok') >= 0) {
        n++;
      }
    });
    client.on('error', () => client.close());
  });
  tokenChunks.add(n);
  if (res.status !== 200 || !done) failures.add(1);
}

export function handleSummary(d) {
  const m = (k, s) => (d.metrics[k] ? d.metrics[k].values[s] : 0);
  return {
    stdout: JSON.stringify({
      client: 'sse', streams, requests: m('http_reqs', 'count'), failed: m('bench_failed', 'count'),
      chunks: m('bench_token_chunks', 'count'), self: d.client,
    }) + '\n',
  };
}
