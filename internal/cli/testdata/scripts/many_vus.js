// Many VUs, each with a costly init: starting them all takes minutes.
const big = [];
for (let i = 0; i < 20000; i++) big.push({ i });
export const options = { vus: 2000, duration: '1m' };
export default function () {}
