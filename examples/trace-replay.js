// Trace replay: every request of a recorded trace starts at its recorded
// time (the arrival-times executor), with its recorded prompt and output
// lengths, and prompts that share the trace's prefix blocks (hash_ids), so
// a server's prefix cache sees the trace's reuse. The bundled trace is 200
// requests over about 10 s in Mooncake's format; BurstGPT CSV works too.
//
//   llmbench run examples/trace-replay.js -e LLM_BASE_URL=http://127.0.0.1:8000/v1
//   llmbench run examples/trace-replay.js -e TRACE=BurstGPT_1.csv -e SPEED=10
//
// TRACE (a file, relative to this script), TRACE_FORMAT (mooncake or
// burstgpt; guessed from the text when unset), SPEED (default 1: as
// recorded; 2 replays twice as fast), LIMIT (replay only the first N
// records), MAX_INPUT_TOKENS (cap prompt lengths), VUS / MAX_VUS (default
// 20 / 200: requests in flight; a start that finds none idle is dropped and
// counted in dropped_iterations). schedule_lag shows how late each start
// was, and llm_ttft_from_schedule the TTFT counted from the recorded time.
import { check } from 'k6';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';
import llm from 'k6/x/llm';
import { num, runTags } from '../scenarios/lib/workload.js';
import { newClient } from '../scenarios/lib/target.js';

const text = open(__ENV.TRACE || './data/mooncake-sample.jsonl');
const trace = new SharedArray('trace', () => {
  const all = llm.parseTrace(text, __ENV.TRACE_FORMAT || '');
  const limit = num('LIMIT', 0);
  return limit > 0 ? all.slice(0, limit) : all;
});

// Offsets from the first record, in ms (arrival-times' default timeUnit).
const times = [];
for (let i = 0; i < trace.length; i++) times.push(trace[i].timestamp - trace[0].timestamp);

const maxInput = num('MAX_INPUT_TOKENS', 0);
const client = newClient();

export const options = {
  scenarios: {
    replay: {
      executor: 'arrival-times',
      times,
      speed: num('SPEED', 1),
      preAllocatedVUs: num('VUS', 20),
      maxVUs: Math.max(num('VUS', 20), num('MAX_VUS', 200)),
    },
  },
  thresholds: { llm_request_failed: ['rate<0.01'] },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(99)', 'max'],
  tags: runTags('trace-replay'),
};

export default function () {
  const i = exec.scenario.iterationInTest; // the trace record this start replays
  const r = trace[i];
  const input = maxInput > 0 ? Math.min(r.inputLength, maxInput) : r.inputLength;
  const prompt = llm.tracePrompt({ inputLength: Math.max(1, input), hashIds: r.hashIds }, { salt: i });
  const res = client.chat({
    messages: [{ role: 'user', content: prompt }],
    max_tokens: Math.max(1, r.outputLength),
    ignore_eos: true,
  });
  check(res, { 'response ok': (x) => x.ok });
}
