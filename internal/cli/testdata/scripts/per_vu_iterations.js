export const options = { scenarios: { p: { executor: 'per-vu-iterations', vus: 4, iterations: 6 } } };
export default function () {}
