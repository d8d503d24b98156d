// A top-level await that waits an hour.
await new Promise((r) => setTimeout(r, 3600000));
export default function () {}
