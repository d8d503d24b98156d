export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 5, iterations: 50 } } };
export default function () {}
