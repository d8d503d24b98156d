// Real prefill and decode: short and long prompts alternate (each with a
// fresh start, so the prefix cache cannot hide the prefill), then a few
// decode-heavy requests.
import llm from 'k6/x/llm';
import { rec, words } from './lib.js';

const client = new llm.Client({ baseURL: __ENV.BASE, model: __ENV.MODEL, timeout: '60s' });
const short = parseInt(__ENV.SHORT_WORDS), long = parseInt(__ENV.LONG_WORDS);

export const options = { scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: parseInt(__ENV.ITERATIONS) } } };

export default function () {
  rec('short', client.complete({ prompt: words(short), max_tokens: 8 }));
  rec('long', client.complete({ prompt: words(long), max_tokens: 8 }));
  const n = parseInt(__ENV.DECODE_TOKENS);
  rec('decode', client.complete({ prompt: words(short), max_tokens: n }), { maxTokens: n });
}
