// setup() never returns.
export function setup() { for (;;) {} }
export default function () {}
