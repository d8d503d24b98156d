export const options = {
  scenarios: { car: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '3s', preAllocatedVUs: 2 } },
};
export default function () {}
