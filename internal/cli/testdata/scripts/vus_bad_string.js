export const options = { scenarios: { s: { executor: 'constant-vus', vus: 'two', duration: '1s' } } };
export default function () {}
