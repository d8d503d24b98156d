// A model the server does not have: every request fails with the server's
// own message.
import llm from 'k6/x/llm';
import { rec } from './lib.js';

const client = new llm.Client({ baseURL: __ENV.BASE, model: __ENV.MODEL, timeout: '30s' });

export const options = { iterations: 1 };

export default function () {
  const messages = [{ role: 'user', content: 'hello' }];
  rec('chat_stream', client.chat({ messages: messages, max_tokens: 4 }));
  rec('chat', client.chat({ messages: messages, max_tokens: 4, stream: false }));
  rec('completions_stream', client.complete({ prompt: 'hello', max_tokens: 4 }));
  rec('completions', client.complete({ prompt: 'hello', max_tokens: 4, stream: false }));
}
