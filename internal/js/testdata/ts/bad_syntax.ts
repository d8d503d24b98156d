const a: number = 1;

let b: = 2;
export default function () {}
