import exec from 'k6/execution';
if (__ENV.ABORT_IN_INIT) exec.test.abort('from init');
export function setup() { exec.test.abort('from setup'); }
export default function () {}
