import { Trend } from 'k6/metrics';

const t = new Trend('my_values');

export default function () {
  for (const v of [Infinity, -Infinity, 'Infinity', '-Infinity', NaN]) {
    if (t.add(v) !== false) throw new Error(`add(${v}) was accepted`);
  }
  if (t.add(5) !== true) throw new Error('add(5) was rejected');
}
