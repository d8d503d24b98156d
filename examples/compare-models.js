// Two models compared in one run: two scenarios run side by side with the
// same arrival rate and prompts, each with its own client and a `model`
// tag, so every llm_* metric splits per model (submetric thresholds below
// print both in the summary).
//
//   llmbench run examples/compare-models.js -e TARGET=litellm-local \
//     -e MODEL_A=llama-3.1-8b-instruct -e MODEL_B=qwen2.5-7b-instruct
//
// MODEL_A and MODEL_B are names from configs/models.yaml (defaults: both
// mock-model, for the mock). Behind one LiteLLM proxy or one vLLM with
// several models the base URL is shared; set TARGET_B for a second server.
import { check } from 'k6';
import { newClient, resolveTarget } from '../scenarios/lib/target.js';
import { num, prompts } from '../scenarios/lib/workload.js';

const a = resolveTarget({ ...__ENV, MODEL: __ENV.MODEL_A || 'mock-model' });
const b = resolveTarget({ ...__ENV, TARGET: __ENV.TARGET_B || __ENV.TARGET, MODEL: __ENV.MODEL_B || 'mock-model' });
// Distinct tag values even when both sides use the same model.
const tagA = a.modelName === b.modelName ? `${a.modelName}#a` : a.modelName;
const tagB = a.modelName === b.modelName ? `${b.modelName}#b` : b.modelName;

const clients = {
  a: newClient({ baseURL: a.baseURL, apiKey: a.apiKey, model: a.model, tags: { target: a.name, model: tagA } }),
  b: newClient({ baseURL: b.baseURL, apiKey: b.apiKey, model: b.model, tags: { target: b.name, model: tagB } }),
};

function arrivals(exec) {
  return {
    executor: 'constant-arrival-rate',
    exec,
    rate: num('RATE', 2),
    timeUnit: '1s',
    duration: __ENV.DURATION || '60s',
    preAllocatedVUs: 4,
    maxVUs: num('MAX_VUS', 20),
  };
}

export const options = {
  scenarios: { model_a: arrivals('modelA'), model_b: arrivals('modelB') },
  thresholds: {
    [`llm_ttft{model:${tagA}}`]: ['p(95)<5000'],
    [`llm_ttft{model:${tagB}}`]: ['p(95)<5000'],
    [`llm_tpot{model:${tagA}}`]: ['p(95)<200'],
    [`llm_tpot{model:${tagB}}`]: ['p(95)<200'],
    llm_request_failed: ['rate<0.01'],
  },
  tags: { workload: 'compare-models' },
};

function ask(client) {
  const p = prompts[Math.floor(Math.random() * prompts.length)];
  const res = client.chat({ messages: p.messages || [{ role: 'user', content: p.prompt }], max_tokens: num('MAX_TOKENS', 256) });
  check(res, { 'response ok': (r) => r.ok });
}

export function modelA() {
  ask(clients.a);
}

export function modelB() {
  ask(clients.b);
}
