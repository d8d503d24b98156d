// Embeddings and the Responses API against a real server: client.embed of
// two texts, client.respond streamed and not, each ITERATIONS times.
import llm from 'k6/x/llm';
import { rec, words } from './lib.js';

const client = new llm.Client({ baseURL: __ENV.BASE, model: __ENV.MODEL, timeout: '60s' });
const max = parseInt(__ENV.MAX_TOKENS);

export const options = { scenarios: { all: { executor: 'per-vu-iterations', vus: 1, iterations: parseInt(__ENV.ITERATIONS) } } };

export default function () {
  const e = client.embed({ input: [words(8), words(8)] });
  console.log('E2E ' + JSON.stringify({ tag: 'embed', ok: e.ok, status: e.status, errorCode: e.errorCode, error: e.error,
    inputTokens: e.inputTokens, dimensions: e.dimensions, count: e.count, duration: e.duration }));
  const extra = { maxTokens: max };
  rec('respond_stream', client.respond({ input: words(8), max_output_tokens: max }), extra);
  rec('respond', client.respond({ input: [{ role: 'user', content: words(8) }], max_output_tokens: max, stream: false }), extra);
}
