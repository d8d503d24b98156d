// Top-level numeric options as strings (k6 accepts them); VUS unset in the
// environment leaves vus at its default.
export const options = { vus: __ENV.VUS, iterations: __ENV.ITERS || '6' };
export default function () {}
