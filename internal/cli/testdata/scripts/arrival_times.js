// Trace replay against a server with a 200ms TTFT on one VU: starts at
// 0, 100 and 600ms; the one at 100ms finds the VU busy and is dropped.
// Each request records its trace index as a tag.
import exec from 'k6/execution';
import llm from 'k6/x/llm';

export const options = {
  scenarios: {
    replay: { executor: 'arrival-times', times: [0, 100, 600], preAllocatedVUs: 1, maxVUs: 1 },
  },
  // The run exits 99 unless records 0 and 2 were sent and 1 was not.
  thresholds: {
    'llm_requests{record:0}': ['count==1'],
    'llm_requests{record:1}': ['count==0'],
    'llm_requests{record:2}': ['count==1'],
  },
};

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL });

export default function () {
  client.chat({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 }, { tags: { record: `${exec.scenario.iterationInTest}` } });
}
