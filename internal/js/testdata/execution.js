import exec from 'k6/execution';
import { group } from 'k6';
import { Counter } from 'k6/metrics';

const c = new Counter('tagged');
export const options = { scenarios: { main: { executor: 'shared-iterations' } } };

export function run() {
  const out = {
    vu: exec.vu.idInInstance, vuTest: exec.vu.idInTest, iter: exec.vu.iterationInInstance,
    iterScen: exec.vu.iterationInScenario, name: exec.scenario.name, executor: exec.scenario.executor,
    inInstance: exec.scenario.iterationInInstance, inTest: exec.scenario.iterationInTest,
    itersDone: exec.instance.iterationsCompleted, vusActive: exec.instance.vusActive,
    env: __ENV.MODE + '/' + __ENV.BASE, iterGlobal: __ITER, vuGlobal: __VU,
    scenarioTag: exec.vu.tags.scenario, group: group('g', () => exec.vu.tags.group),
    optsFrozen: Object.isFrozen(exec.test.options), optsScen: Object.keys(exec.test.options.scenarios).join(),
    hasVus: 'vus' in exec.test.options,
  };
  exec.vu.tags.mine = 5;
  c.add(1);
  delete exec.vu.tags.mine;
  console.log(JSON.stringify(out));
}
