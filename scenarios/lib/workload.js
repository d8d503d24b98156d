// The shared body of the load scenarios: options for an open-model
// (arrival-rate) workload, the prompts and one chat request per iteration.
//
// Environment knobs (all optional):
//   DURATION=300s        how long the arrivals last
//   RATE, MAX_VUS        override the scenario's requests/s and concurrency cap
//   PROMPT_TOKENS=N      synthetic prompts of about N tokens (PROMPT_STDDEV,
//                        PROMPT_SEED) instead of the bundled prompt set;
//                        PREFIX_TOKENS=N and PREFIX_GROUPS=G put one of G
//                        shared N-token prefixes before each (prefix cache)
//   MAX_TOKENS=256       max_tokens of every request
//   ENDPOINT=chat        chat (streaming) or embeddings: embed each prompt
//                        instead (llm_request_duration, llm_input_tokens)
//   SLO_TTFT_P95=ms      threshold on llm_ttft p(95)
//   SLO_FAILURE_RATE=x   threshold on llm_request_failed rate
//   TARGET/MODEL or LLM_BASE_URL/LLM_MODEL/LLM_API_KEY: see target.js
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import llm from 'k6/x/llm';
import { newClient, target } from './target.js';

/** num reads a positive number from __ENV[key], or returns def. */
export function num(key, def) {
  const v = __ENV[key];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${key}=${v}: want a non-negative number`);
  return n;
}

const bundled = open('./prompts.jsonl');

/**
 * prompts: the bundled prompt set, or PROMPT_TOKENS-long synthetic prompts.
 * Each entry is {prompt} or {messages}; one copy is shared by every VU.
 */
export const prompts = new SharedArray('prompts', () => {
  const tokens = num('PROMPT_TOKENS', 0);
  if (tokens > 0) {
    return llm
      .syntheticPrompts(num('PROMPT_COUNT', 200), {
        tokens,
        stddev: num('PROMPT_STDDEV', 0),
        seed: num('PROMPT_SEED', 1),
        prefixTokens: num('PREFIX_TOKENS', 0),
        prefixGroups: num('PREFIX_TOKENS', 0) > 0 ? num('PREFIX_GROUPS', 1) : 0,
      })
      .map((p) => ({ prompt: p }));
  }
  return llm.parseDataset(bundled, 'jsonl');
});

/**
 * openModel returns k6 options for one constant-arrival-rate scenario:
 * `rate` requests start every second whether or not earlier ones finished,
 * and at most `maxVUs` are in flight (more arrivals are dropped and counted
 * in dropped_iterations). slo holds the default thresholds.
 */
export function openModel(name, { rate, maxVUs, ttftP95, failureRate }) {
  const r = num('RATE', rate);
  const max = Math.max(1, Math.floor(num('MAX_VUS', maxVUs)));
  return {
    scenarios: {
      [name]: {
        executor: 'constant-arrival-rate',
        rate: r,
        timeUnit: '1s',
        duration: __ENV.DURATION || '300s',
        preAllocatedVUs: Math.min(max, Math.max(1, Math.ceil(r))),
        maxVUs: max,
        gracefulStop: __ENV.GRACEFUL_STOP || '30s',
      },
    },
    thresholds: slo({ ttftP95, failureRate }),
    tags: runTags(name),
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  };
}

/** slo returns the SLO thresholds; SLO_TTFT_P95 and SLO_FAILURE_RATE override. */
export function slo({ ttftP95 = 2000, failureRate = 0.01 } = {}) {
  return {
    llm_ttft: [`p(95)<${num('SLO_TTFT_P95', ttftP95)}`],
    llm_request_failed: [`rate<${num('SLO_FAILURE_RATE', failureRate)}`],
  };
}

/** runTags are the tags on every sample: workload, target and model. */
export function runTags(workload) {
  return { workload, target: target.name, model: target.modelName || 'default' };
}

const client = newClient();

const endpoint = __ENV.ENDPOINT || 'chat';
if (endpoint !== 'chat' && endpoint !== 'embeddings') {
  throw new Error(`ENDPOINT=${endpoint}: want chat or embeddings`);
}

/**
 * request sends one streaming chat request built from the prompt set, or
 * with ENDPOINT=embeddings one embeddings request of the prompt's text.
 */
export function request(extraTags) {
  const p = prompts[Math.floor(Math.random() * prompts.length)];
  if (endpoint === 'embeddings') {
    const input = p.prompt || p.messages.map((m) => m.content).join('\n');
    const res = client.embed({ input }, extraTags ? { tags: extraTags } : undefined);
    check(res, {
      'response ok': (r) => r.ok,
      'one vector': (r) => r.count === 1 && r.dimensions > 0,
    });
    return res;
  }
  const messages = p.messages || [{ role: 'user', content: p.prompt }];
  const res = client.chat({ messages, max_tokens: num('MAX_TOKENS', 256) }, extraTags ? { tags: extraTags } : undefined);
  check(res, {
    'response ok': (r) => r.ok,
    'tokens generated': (r) => r.outputTokens > 0,
  });
  return res;
}
