// k6/http cost benchmark (bench/http.sh): VUS VUs loop http.get of a tiny
// local response for DURATION, as the public k6 scripts do.
import http from 'k6/http';

export const options = {
  vus: Number(__ENV.VUS || 50),
  duration: __ENV.DURATION || '20s',
  summaryTrendStats: ['avg', 'p(99)'],
};

export default function () {
  http.get(__ENV.URL);
}
