type N = number;
interface X {
  a: N;
}

export default function (): void {
  const x: X = { a: 1 };
  throw new Error(`bad ${x.a}`);
}
