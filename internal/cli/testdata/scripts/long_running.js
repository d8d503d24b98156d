import { sleep } from 'k6';
export const options = { scenarios: { c: { executor: 'constant-vus', vus: 2, duration: '1m', gracefulStop: '5s' } } };
export default function () { sleep(0.05); }
export function teardown() { console.log('teardown ran'); }
