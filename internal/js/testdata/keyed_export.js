const o = { a: 1 };
export const { a: b } = o;
export default function () {}
