// The OpenAI Responses API (POST /v1/responses; OpenAI, vLLM and others
// serve it): streamed answers whose response.output_text.delta events are
// the tokens (reasoning_text deltas count for TTFT, not TTFO), measured
// with the same llm_* metrics as chat, tagged endpoint=responses.
//
//   llmbench mock --ttft 100ms --itl 10ms --reasoning-tokens 8 &
//   llmbench run examples/responses.js
//
// RATE (default 2/s), DURATION (default 30s), MAX_TOKENS (default 128).
import { check } from 'k6';
import { num, runTags, slo } from '../scenarios/lib/workload.js';
import { newClient } from '../scenarios/lib/target.js';

const client = newClient();

export const options = {
  scenarios: {
    responses: {
      executor: 'constant-arrival-rate',
      rate: num('RATE', 2),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: 4,
      maxVUs: num('MAX_VUS', 32),
    },
  },
  thresholds: slo({ ttftP95: 2000, failureRate: 0.01 }),
  tags: runTags('responses'),
};

export default function () {
  const res = client.respond({
    instructions: 'You are a concise assistant.',
    input: [{ role: 'user', content: 'Explain prefix caching in two sentences.' }],
    max_output_tokens: num('MAX_TOKENS', 128),
  });
  check(res, {
    'response ok': (r) => r.ok,
    'tokens generated': (r) => r.outputTokens > 0,
  });
}
