import { Trend } from 'k6/metrics';
const t = new Trend('one_to_hundred');
export const options = { iterations: 1, summaryTrendStats: ['med', 'p(90)', 'p(99)', 'count'] };
export default function () { for (let i = 1; i <= 100; i++) t.add(i); }
