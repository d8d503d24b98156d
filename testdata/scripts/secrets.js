// Secrets in every place a script can put them: the key and a bearer in a
// scenario's env, the key as the client's apiKey, a password in baseURL.
// BAD_URL=1 makes the client's baseURL invalid (a TypeError in init).
import llm from 'k6/x/llm';

export const options = {
  scenarios: {
    s: {
      executor: 'shared-iterations', iterations: 2, vus: 1,
      env: { LLM_API_KEY: __ENV.LLM_API_KEY, PLANTED: __ENV.MY_BEARER },
    },
  },
};

const base = __ENV.BAD_URL === '1' ? __ENV.LLM_BASE_URL + '[' : __ENV.LLM_BASE_URL;
const client = new llm.Client({ baseURL: base, apiKey: __ENV.LLM_API_KEY, model: 'm' });

export default function () {
  client.chat({ messages: [{ role: 'user', content: 'hi' }] });
}
