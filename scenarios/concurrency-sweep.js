// Concurrency sweep: a closed loop that finds the saturation knee.
//
//   llmbench run scenarios/concurrency-sweep.js -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// Each VU sends its next request as soon as the previous one finished, so
// the number of VUs is the number of requests in flight. The VUs step up
// through SWEEP_LEVELS (default 1,2,4,8,16,32,64), each level held for STEP
// (default 60s). Throughput (llm_output_tokens/s) grows with concurrency
// until the server saturates; past the knee only llm_ttft and llm_tpot grow.
// Every sample carries a `concurrency` tag, so per-level results can be
// read with thresholds on submetrics such as llm_ttft{concurrency:8} or from
// the --out json / --results samples.
import exec from 'k6/execution';
import { openModel, request, runTags, slo } from './lib/workload.js';

const levels = (__ENV.SWEEP_LEVELS || '1,2,4,8,16,32,64').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`SWEEP_LEVELS: ${s} is not a positive integer`);
  return n;
});
const step = __ENV.STEP || '60s';
const ramp = __ENV.RAMP || '5s';

const stages = [];
for (const n of levels) {
  stages.push({ duration: ramp, target: n }, { duration: step, target: n });
}

// One threshold per level makes each level's TTFT show in the summary.
const thresholds = slo({ ttftP95: 10000, failureRate: 0.05 });
for (const n of levels) thresholds[`llm_ttft{concurrency:${n}}`] = ['p(95)>=0'];

export const options = {
  scenarios: {
    sweep: { executor: 'ramping-vus', startVUs: 1, stages, gracefulRampDown: '30s' },
  },
  thresholds,
  tags: runTags('concurrency-sweep'),
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'count'],
};

const rampMs = ms(ramp);
const stepMs = ms(step);

function ms(d) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`${d}: want a duration such as 30s, 2m or 500ms`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2]];
}

// The level of the stage this request starts in; requests sent while
// ramping up to a level are tagged with that level too.
function levelNow() {
  const i = Math.floor((Date.now() - exec.scenario.startTime) / (rampMs + stepMs));
  return levels[Math.min(Math.max(i, 0), levels.length - 1)];
}

export default function () {
  request({ concurrency: String(levelNow()) });
}
