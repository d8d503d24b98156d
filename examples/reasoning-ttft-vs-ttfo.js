// Reasoning models: time to first token vs time to first output token.
// A reasoning model (DeepSeek-R1, Qwen3 with thinking, gpt-oss) streams its
// reasoning first (delta.reasoning_content) and the answer after.
// llm_ttft is the time to the first token of either kind, what a streaming
// UI can show; llm_ttfo is the time to the first answer token, what the
// user waits for; llm_reasoning_tokens counts the thinking.
//
//   llmbench run examples/reasoning-ttft-vs-ttfo.js -e TARGET=vllm-local -e MODEL=deepseek-r1-distill-qwen-7b
//   llmbench mock --reasoning-tokens 64 --itl 5ms   # to try it locally
import { check } from 'k6';
import { Trend } from 'k6/metrics';
import { newClient, target } from '../scenarios/lib/target.js';

const thinking = new Trend('reasoning_time', true); // ttfo - ttft per request
const client = newClient();

export const options = {
  scenarios: {
    reasoning: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 1),
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 4,
      maxVUs: Number(__ENV.MAX_VUS || 16),
    },
  },
  thresholds: {
    llm_ttft: ['p(95)<2000'],
    llm_ttfo: ['p(95)<30000'],
    llm_request_failed: ['rate<0.01'],
  },
  tags: { workload: 'reasoning', target: target.name, model: target.modelName || 'default' },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'max'],
};

const questions = [
  'A bat and a ball cost 1.10 in total. The bat costs 1.00 more than the ball. How much is the ball?',
  'Is 1001 a prime number? Explain briefly.',
  'If it takes 5 machines 5 minutes to make 5 widgets, how long do 100 machines take for 100 widgets?',
];

export default function () {
  const q = questions[Math.floor(Math.random() * questions.length)];
  const res = client.chat({ messages: [{ role: 'user', content: q }], max_tokens: Number(__ENV.MAX_TOKENS || 1024) });
  check(res, {
    'response ok': (r) => r.ok,
    'answered after reasoning': (r) => r.ttfo >= r.ttft,
  });
  if (res.ok && res.ttfo > 0) thinking.add(res.ttfo - res.ttft);
}
