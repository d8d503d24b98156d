import llm from 'k6/x/llm';
import { check } from 'k6';

const client = new llm.Client({
  baseURL: __ENV.LLM_BASE_URL,
  model: 'script-model',
  timeout: '10s',
  tags: { target: 'mock' },
  slo: { ttft: '5s', e2e: '10s' },
});

export async function asyncChat() {
  const [a, b] = await Promise.all([
    client.chatAsync({ messages: [{ role: 'user', content: 'one' }] }),
    client.completeAsync({ prompt: 'two' }, { tags: { turn: 'async' } }),
  ]);
  if (!a.ok || !b.ok) throw new Error(`async failed: ${a.error} ${b.error}`);
}

export default function () {
  const res = client.chat({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 6 }, { tags: { turn: '1' } });
  check(res, {
    ok: (r) => r.ok,
    tokens: (r) => r.outputTokens === 6 && r.tokenSource === 'usage',
    timing: (r) => r.ttft > 0 && r.e2e >= r.ttft && r.itl.length === 5,
  });
}
