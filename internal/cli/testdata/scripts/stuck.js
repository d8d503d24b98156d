import { sleep } from 'k6';
export const options = { scenarios: { c: { executor: 'constant-vus', vus: 1, duration: '1m', gracefulStop: '30s' } } };
// Each iteration outlives the first signal: only the second one ends the run quickly.
export default function () { sleep(20); }
