export const options = {
  scenarios: { rar: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 2, stages: [{ duration: '4s', target: 20 }] } },
};
export default function () {}
