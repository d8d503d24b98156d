// A stream-heavy run for the stop tests: four VUs stream for a minute, two
// with short replies and two with replies that take half a minute. It is
// stopped early by SIGINT (STOP=signal), test.abort() (STOP=abort) or an
// abortOnFail threshold (STOP=threshold). gracefulStop is short so that,
// whether a stop interrupts iterations at once (k6) or lets them finish
// within gracefulStop, the long streams are cut.
import llm from 'k6/x/llm';
import exec from 'k6/execution';
import { rec, words } from './lib.js';

const client = new llm.Client({ baseURL: __ENV.BASE, model: __ENV.MODEL, timeout: '120s' });

export const options = {
  scenarios: { streams: { executor: 'constant-vus', vus: 4, duration: '60s', gracefulStop: '3s' } },
  thresholds: __ENV.STOP === 'threshold'
    ? { llm_ttft: [{ threshold: 'max<1', abortOnFail: true }] }
    : {},
};

export default function () {
  const long = __VU > 2;
  const r = client.complete({ prompt: words(8), max_tokens: long ? 1500 : parseInt(__ENV.SHORT_TOKENS) });
  rec(long ? 'long' : 'short', r);
  if (__ENV.STOP === 'abort' && r.ok) {
    exec.test.abort('e2e: enough');
  }
}
