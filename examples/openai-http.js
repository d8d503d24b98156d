// A non-streaming OpenAI-compatible benchmark written the way the public
// k6 LLM scripts are (llama.cpp's server bench, gateway comparisons):
// k6/http posts a pre-stringified body, checks the status, reads usage from
// res.json() and records tokens and throughput in custom metrics. It runs
// unchanged under k6; under llmbench it also gets data_sent/data_received
// counted on the wire and the http_req_* metrics as k6 reports them.
//
//   llmbench run examples/openai-http.js -e LLM_BASE_URL=http://127.0.0.1:8000/v1 -e LLM_MODEL=mock-model
//
// VUS (default 4) and DURATION (default 30s) set the load; LLM_API_KEY, when
// set, is sent as a bearer token.
import http from 'k6/http';
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

const BASE = __ENV.LLM_BASE_URL || 'http://127.0.0.1:8000/v1';
const MODEL = __ENV.LLM_MODEL || 'mock-model';

const promptTokens = new Counter('llm_http_prompt_tokens');
const completionTokens = new Counter('llm_http_completion_tokens');
const tokensPerSecond = new Trend('llm_http_completion_tokens_per_s');
const truncated = new Rate('llm_http_truncated_rate');

export const options = {
  vus: parseInt(__ENV.VUS || '4'),
  duration: __ENV.DURATION || '30s',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{expected_response:true}': ['p(95)<10000'],
    llm_http_truncated_rate: ['rate<0.2'],
  },
};

const headers = { 'Content-Type': 'application/json' };
if (__ENV.LLM_API_KEY) headers.Authorization = `Bearer ${__ENV.LLM_API_KEY}`;

export default function () {
  const body = JSON.stringify({
    model: MODEL,
    messages: [{ role: 'user', content: `Write a haiku about request ${__ITER} of VU ${__VU}.` }],
    max_tokens: 64,
    stream: false,
  });
  const res = http.post(`${BASE}/chat/completions`, body, { headers, timeout: '120s', tags: { name: 'chat' } });
  const ok = check(res, {
    'status is 200': (r) => r.status === 200,
    'has a completion': (r) => r.status === 200 && r.json('choices.0.message.content') !== undefined,
  });
  if (!ok) return;
  const usage = res.json('usage') || {};
  promptTokens.add(usage.prompt_tokens || 0);
  completionTokens.add(usage.completion_tokens || 0);
  truncated.add(res.json('choices.0.finish_reason') === 'length');
  if (res.timings.duration > 0) tokensPerSecond.add((usage.completion_tokens || 0) / (res.timings.duration / 1000));
}
