const x = 1;

throw new Error('boom at init');
export default function () {}
