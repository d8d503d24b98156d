const a = 1;
throw new Error('init failed');
export default function () {}
