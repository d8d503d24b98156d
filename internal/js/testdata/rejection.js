export default function () {
  Promise.reject(new Error('floating'));
}
export async function asyncThrow() {
  await null;
  throw new Error('async boom');
}
