import { check, group } from 'k6';
import { Counter } from 'k6/metrics';
import exec from 'k6/execution';
import * as k6ns from 'k6';
import k6default from 'k6';

const c = new Counter('misuse_counter');
const initErrors = [];
for (const [name, f] of Object.entries({
  check: () => check(1, { a: true }),
  add: () => c.add(1),
  scenario: () => exec.scenario.name,
  instance: () => exec.instance.vusActive,
})) {
  try { f(); initErrors.push(name + ': no error'); } catch (e) { initErrors.push(name + ': ' + e.message); }
}
const initVU = exec.vu.idInInstance;

export function inInit() { return initErrors.join('\n'); }

export default function () {
  if (k6ns.check !== check || k6default.check !== check) throw new Error('namespace/default mismatch');
  if (initVU !== __VU) throw new Error('exec.vu.idInInstance in init ' + initVU);
  const errs = [];
  try { new Counter('late'); } catch (e) { errs.push(e.message); }
  try { group('g', async () => {}); } catch (e) { errs.push(e.message.split(',')[0]); }
  try { group('a::b', () => {}); } catch (e) { errs.push(e.message); }
  try { check(1); } catch (e) { errs.push(e.message); }
  try { open('x.txt'); } catch (e) { errs.push(e.message.split(' (')[0]); }
  try { exec.vu.tags.bad = {}; } catch (e) { errs.push(e.name); }
  throw new Error(inInit() + '\n' + errs.join('\n'));
}
