// Every endpoint and mode against a real server: each request must run to
// max_tokens, counted from the server's usage or, with include_usage off,
// from the chunks.
import llm from 'k6/x/llm';
import { rec, words } from './lib.js';

const client = new llm.Client({ baseURL: __ENV.BASE, model: __ENV.MODEL, timeout: '60s' });
const max = parseInt(__ENV.MAX_TOKENS);

export const options = { scenarios: { all: { executor: 'per-vu-iterations', vus: 1, iterations: parseInt(__ENV.ITERATIONS) } } };

export default function () {
  const messages = () => [{ role: 'user', content: words(8) }];
  const extra = { maxTokens: max };
  rec('chat_stream', client.chat({ messages: messages(), max_tokens: max }), extra);
  rec('chat', client.chat({ messages: messages(), max_tokens: max, stream: false }), extra);
  rec('completions_stream', client.complete({ prompt: words(8), max_tokens: max }), extra);
  rec('completions', client.complete({ prompt: words(8), max_tokens: max, stream: false }), extra);
  rec('chat_stream_nousage', client.chat({ messages: messages(), max_tokens: max, stream: true, stream_options: { include_usage: false } }), extra);
  rec('completions_stream_nousage', client.complete({ prompt: words(8), max_tokens: max, stream: true, stream_options: { include_usage: false } }), extra);
}
