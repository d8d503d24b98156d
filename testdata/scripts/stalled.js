// A closed loop against a server that never finishes a stream: each
// request is still open when gracefulStop expires. ASYNC=1 uses chatAsync.
import llm from 'k6/x/llm';

export const options = {
  scenarios: { stalled: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '1s' } },
  thresholds: { llm_request_failed: ['rate<0.01'] },
};

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, model: 'm' });

export default async function () {
  const body = { messages: [{ role: 'user', content: 'hi' }], stream: true };
  if (__ENV.ASYNC === '1') {
    await client.chatAsync(body);
  } else {
    client.chat(body);
  }
}
