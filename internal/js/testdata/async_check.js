import { check } from 'k6';
export default async function () {
  const v = await Promise.resolve(1);
  check(v, { 'is one': (x) => x === 1 });
}
