import { check, sleep } from 'k6';
export const options = { vus: 100 };
export default function () {
  check(__VU, { 'has vu': (v) => v > 0 });
  sleep(0);
}
