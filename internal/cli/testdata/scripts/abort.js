import exec from 'k6/execution';
export const options = { iterations: 10 };
export default function () { if (exec.scenario.iterationInInstance === 2) exec.test.abort('enough'); }
export function teardown() { console.log('teardown ran'); }
