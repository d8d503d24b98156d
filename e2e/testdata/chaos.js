// Requests to aimock with its chaos switched on by request headers: every
// request must end as one result with the right error code.
import llm from 'k6/x/llm';
import { rec } from './lib.js';

const client = new llm.Client({ baseURL: __ENV.BASE, model: 'e2e-chaos', timeout: '20s' });
const headers = JSON.parse(__ENV.HEADERS || '{}');

export const options = {
  scenarios: { chaos: { executor: 'shared-iterations', vus: 2, iterations: parseInt(__ENV.ITERATIONS) } },
};

export default function () {
  const body = { messages: [{ role: 'user', content: __ENV.MESSAGE }], max_tokens: 16 };
  if (__ENV.STREAM === 'false') body.stream = false;
  rec(__ENV.MODE, client.chat(body, { headers: headers }));
}
