export function busy() { for (;;) {} }
export async function awaiting() { await new Promise(() => setTimeout(() => {}, 60000)); }
export async function asyncBusy() { await 1; for (;;) {} }
export default async function () {
  const v = await Promise.resolve(41);
  if (v + 1 !== 42) throw new Error('promise jobs broken');
}
