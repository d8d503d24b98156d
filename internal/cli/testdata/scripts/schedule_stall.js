// Coordinated omission: one arrival-rate iteration sends two requests in a
// row to a server that stalls every stream for 2s; a constant-vus scenario
// sends one request, which has no schedule.
import llm from 'k6/x/llm';

export const options = {
  scenarios: {
    arrival: { executor: 'constant-arrival-rate', rate: 1, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, exec: 'turns' },
    closed: { executor: 'per-vu-iterations', vus: 1, iterations: 1, exec: 'single' },
  },
};

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL });
const body = { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 };

export function turns() {
  client.chat(body);
  client.chat(body);
}

export function single() {
  client.chat(body);
}
