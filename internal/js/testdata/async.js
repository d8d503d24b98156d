import { setTimeout as st } from 'k6/timers';

const ready = await new Promise((resolve) => setTimeout(() => resolve(5), 1));

export default async function () {
  const v = await new Promise((resolve) => st(() => resolve(ready + 1), 2));
  let ticks = 0;
  await new Promise((resolve) => {
    const id = setInterval(() => { ticks++; if (ticks === 3) { clearInterval(id); resolve(); } }, 1);
  });
  const cleared = setTimeout(() => { throw new Error('cleared timer fired'); }, 1);
  clearTimeout(cleared);
  if (v !== 6 || ticks !== 3) throw new Error(`bad values ${v} ${ticks}`);
}
