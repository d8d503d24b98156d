// One chat request per iteration, a few iterations; HANDLE=1 adds a
// handleSummary that writes the data as JSON to hs.json and stdout.
import llm from 'k6/x/llm';

export const options = { iterations: 3, vus: 1 };

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, model: 'm', timeout: __ENV.TIMEOUT || '10s' });

export default function () {
  const r = client.chat({ messages: [{ role: 'user', content: 'hi' }] });
  if (__ENV.LOG_RESULT === '1') console.log(JSON.stringify({ ok: r.ok, code: r.errorCode, error: r.error, out: r.outputTokens, src: r.tokenSource }));
}

export function handleSummary(data) {
  if (__ENV.HANDLE !== '1') return undefined;
  return { 'hs.json': JSON.stringify(data), stdout: 'HANDLED ' + JSON.stringify(data.server_metrics) + '\n' };
}
