export function setup() { return { f: function () {} }; }
export default function () {}
