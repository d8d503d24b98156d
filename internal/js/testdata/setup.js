import { check } from 'k6';
export function setup() {
  check(__VU, { 'setup vu is 0': (v) => v === 0 });
  return { n: 1, list: [1, 'a', { deep: true }], nothing: undefined };
}
export default function (data) {
  if (data.n !== 1 + __ITER || data.list[2].deep !== true || data.nothing !== null) throw new Error('bad data ' + JSON.stringify(data));
  data.n++; // each VU has its own copy, reused across its iterations
}
export function teardown(data) {
  check(1, { 'in teardown': true });
  if (data.n !== 1) throw new Error('teardown data ' + JSON.stringify(data));
}
