// Embeddings throughput: batches of texts go to /v1/embeddings at a
// constant arrival rate, as a retrieval pipeline indexes documents.
//
//   llmbench mock --embed-latency 20ms --embedding-dim 768 &
//   llmbench run examples/embeddings.js -e LLM_MODEL=text-embedding-3-small
//
// Each request sends BATCH (default 8) texts of about TOKENS (default 64)
// tokens; RATE (default 10) requests start per second for DURATION
// (default 30s). The Result has ok, errorCode, duration (ms), inputTokens
// (usage.prompt_tokens), dimensions and count (vectors); the samples are
// llm_requests, llm_request_failed, llm_request_duration and
// llm_input_tokens, tagged endpoint=embeddings (no TTFT: nothing streams).
// The same workload from the load scenarios: -e ENDPOINT=embeddings.
import { check } from 'k6';
import llm from 'k6/x/llm';
import { num, runTags } from '../scenarios/lib/workload.js';
import { newClient } from '../scenarios/lib/target.js';

const batch = Math.max(1, Math.floor(num('BATCH', 8)));
const texts = llm.syntheticPrompts(200, { tokens: num('TOKENS', 64), seed: 7 });
const client = newClient();

export const options = {
  scenarios: {
    embed: {
      executor: 'constant-arrival-rate',
      rate: num('RATE', 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: 4,
      maxVUs: num('MAX_VUS', 32),
    },
  },
  thresholds: {
    'llm_request_duration{endpoint:embeddings}': ['p(95)<1000'],
    llm_request_failed: ['rate<0.01'],
  },
  tags: runTags('embeddings'),
};

export default function () {
  const start = Math.floor(Math.random() * (texts.length - batch));
  const res = client.embed({ input: texts.slice(start, start + batch) });
  check(res, {
    'embedded': (r) => r.ok,
    'one vector per text': (r) => r.count === batch && r.dimensions > 0,
  });
}
