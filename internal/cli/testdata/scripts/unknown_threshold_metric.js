export const options = { iterations: 1, thresholds: { no_such_metric: ['count>0'] } };
export default function () {}
