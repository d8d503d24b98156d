export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 1, iteration: 5 } } };
export default function () {}
