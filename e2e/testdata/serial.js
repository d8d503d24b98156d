// Four streams at once against a server that runs one request at a time:
// each waits for the ones before it, so the TTFTs climb a staircase.
import llm from 'k6/x/llm';
import { rec, words } from './lib.js';

const client = new llm.Client({ baseURL: __ENV.BASE, model: __ENV.MODEL, timeout: '60s' });

export const options = { scenarios: { burst: { executor: 'per-vu-iterations', vus: 4, iterations: 1 } } };

export default function () {
  const start = Date.now();
  rec('stream', client.complete({ prompt: words(8), max_tokens: parseInt(__ENV.MAX_TOKENS) }), { start: start });
}
