// Memory per VU: N VUs of a minimal script, all alive at once.
import { sleep } from 'k6';
export const options = {
  scenarios: { hold: { executor: 'per-vu-iterations', vus: Number(__ENV.VUS || 100), iterations: 1, maxDuration: '1m' } },
};
export default function () { sleep(Number(__ENV.HOLD || 3)); }
export function handleSummary() { return {}; }
