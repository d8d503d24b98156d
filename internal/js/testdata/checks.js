import { check, group } from 'k6';
import { Counter, Trend, Rate, Gauge } from 'k6/metrics';

const myCounter = new Counter('my_counter');
const myTrend = new Trend('my_trend', true);
const myRate = new Rate('my_rate');
const myGauge = new Gauge('my_gauge');

export default function () {
  const ok = check(1, { 'is one': (v) => v === 1, 'is two': (v) => v === 2 }, { extra: 'e' });
  if (ok !== false) throw new Error('check should fail');
  const r = group('outer', () => group('inner', () => {
    myCounter.add(2, { k: 'v' });
    return 7;
  }));
  if (r !== 7) throw new Error('group result ' + r);
  myTrend.add(12.5);
  myRate.add(true);
  myGauge.add(3);
  if (myCounter.add(null) !== false) throw new Error('null must be rejected');
}
