// A TypeScript chat benchmark, as people write them: typed options and
// request helpers, an enum, a generic, `as` and non-null assertions.
import llm from 'k6/x/llm';
import { check } from 'k6';
import { Trend } from 'k6/metrics';
import type { Options } from './types.ts';

enum Role {
  User = 'user',
  System = 'system',
}

interface Message {
  role: Role;
  content: string;
}

export const options: Options = { vus: 1, iterations: 2 };

const ttft = new Trend('ts_ttft', true);

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, model: 'ts-model', timeout: '10s' });

function first<T>(xs: T[]): T | undefined {
  return xs.length > 0 ? xs[0] : undefined;
}

export default function (): void {
  const messages: Message[] = [{ role: Role.User, content: 'Hi' }];
  const res = client.chat({ messages, max_tokens: 4 } as Record<string, unknown>);
  ttft.add(res.ttft!);
  check(res, {
    ok: (r: { ok: boolean }) => r.ok,
    tokens: (r: { outputTokens: number }) => r.outputTokens === 4,
    role: () => first(messages)!.role === 'user',
  });
}
