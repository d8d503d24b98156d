// Replay a ShareGPT or JSONL dataset: the prompts are loaded once in the
// init context into a SharedArray (one copy for all VUs), and each request
// asks for about as many tokens as the dataset's reference answer had,
// the way vLLM's benchmark_serving replays ShareGPT.
//
//   llmbench run examples/dataset-replay.js -e DATASET=ShareGPT_V3_unfiltered_cleaned_split.json
//
// DATASET (default examples/data/sharegpt-sample.json, relative to this
// file or absolute) may be ShareGPT JSON or JSONL with "prompt" or
// "messages"; DATASET_FORMAT=sharegpt|jsonl forces the format. Conversations
// with fewer than two turns are skipped, as in vLLM. RATE requests/s
// (default 2) for DURATION (default 60s).
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import llm from 'k6/x/llm';
import { newClient, target } from '../scenarios/lib/target.js';

const file = __ENV.DATASET || './data/sharegpt-sample.json';
const data = new SharedArray('dataset', () => llm.parseDataset(open(file), __ENV.DATASET_FORMAT || ''));
if (data.length === 0) throw new Error(`${file}: no usable prompts`);
const client = newClient();

export const options = {
  scenarios: {
    replay: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 2),
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 4,
      maxVUs: Number(__ENV.MAX_VUS || 20),
    },
  },
  thresholds: { llm_request_failed: ['rate<0.01'] },
  tags: { workload: 'dataset-replay', target: target.name, model: target.modelName || 'default' },
};

// About four characters per token: the output length the reference had.
function maxTokens(entry) {
  if (!entry.reference) return 256;
  return Math.min(2048, Math.max(16, Math.round(entry.reference.length / 4)));
}

export default function () {
  const e = data[Math.floor(Math.random() * data.length)];
  const messages = e.messages || [{ role: 'user', content: e.prompt }];
  const res = client.chat({ messages, max_tokens: maxTokens(e) });
  check(res, { 'response ok': (r) => r.ok });
}
