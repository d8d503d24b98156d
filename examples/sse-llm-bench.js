// A streaming chat-completions benchmark in the style of llama.cpp's server
// bench: k6/x/sse (the xk6-sse extension's API) posts a pre-stringified
// body, the script times the stream itself with Date.now() in its event
// handlers, reads token counts from the usage chunk, and records TTFT and
// generation speed in custom Trends. It runs unchanged under k6 built with
// xk6-sse; under llmbench k6/x/sse is built in.
//
//   llmbench mock --addr 127.0.0.1:8000 --ttft 50ms --itl 5ms &
//   llmbench run examples/sse-llm-bench.js -e LLM_BASE_URL=http://127.0.0.1:8000/v1
//
// VUS (default 4), ITERATIONS (default 40) and MAX_TOKENS (default 64) set
// the load; LLM_MODEL names the model, LLM_API_KEY is sent as a bearer token.
//
// Definitions, the same as k6/x/llm's llm_ttft and llm_tokens_per_second so
// that the two can be compared:
//   sse_ttft              first content-bearing chunk − request start (ms).
//                         OpenAI-style servers send a role-only chunk first,
//                         so "the first event of any kind" would read ~0.
//   sse_tokens_per_second (completion tokens − 1) / (last − first content chunk).
// Date.now() counts whole milliseconds and runs when the VU gets round to the
// handler: each value can be up to 1 ms off, and late by the client's own
// delays (docs/metrics.md, "k6/x/sse").
import sse from 'k6/x/sse';
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

const BASE = __ENV.LLM_BASE_URL || 'http://127.0.0.1:8000/v1';
const MODEL = __ENV.LLM_MODEL || 'mock-model';
const MAX_TOKENS = parseInt(__ENV.MAX_TOKENS || '64');

const ttft = new Trend('sse_ttft', true);
const decode = new Trend('sse_decode_time', true);
const tokensPerSecond = new Trend('sse_tokens_per_second');
const promptTokens = new Counter('sse_prompt_tokens');
const completionTokens = new Counter('sse_completion_tokens');
const truncated = new Rate('sse_truncated_rate');

export const options = {
  vus: parseInt(__ENV.VUS || '4'),
  iterations: parseInt(__ENV.ITERATIONS || '40'),
  thresholds: {
    checks: ['rate==1'],
    sse_truncated_rate: ['rate<0.5'],
  },
};

const headers = { 'Content-Type': 'application/json' };
if (__ENV.LLM_API_KEY) headers.Authorization = `Bearer ${__ENV.LLM_API_KEY}`;

export default function () {
  const body = JSON.stringify({
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: `Tell me a story (VU ${__VU}, iteration ${__ITER}).` },
    ],
    max_tokens: MAX_TOKENS,
    stream: true,
    stream_options: { include_usage: true },
  });

  let first = 0, last = 0, finish = null, usage = null;
  const start = Date.now();
  const res = sse.open(`${BASE}/chat/completions`, { method: 'POST', body, headers, timeout: '120s', tags: { name: 'chat' } }, (client) => {
    client.on('event', (event) => {
      const now = Date.now();
      if (event.data === '[DONE]' || event.data === '') return;
      const chunk = JSON.parse(event.data);
      const choice = chunk.choices && chunk.choices[0];
      if (choice && choice.delta && choice.delta.content) {
        if (!first) first = now;
        last = now;
      }
      if (choice && choice.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    });
    client.on('error', (e) => {
      console.error('stream error: ' + e.error());
      client.close();
    });
  });

  const ok = check(res, {
    'status is 200': (r) => r.status === 200,
    'stream finished': () => finish !== null && usage !== null,
  });
  if (!ok || !first) return;
  ttft.add(first - start);
  promptTokens.add(usage.prompt_tokens);
  completionTokens.add(usage.completion_tokens);
  truncated.add(finish === 'length');
  if (usage.completion_tokens > 1 && last > first) {
    decode.add(last - first);
    tokensPerSecond.add((usage.completion_tokens - 1) / ((last - first) / 1000));
  }
}
