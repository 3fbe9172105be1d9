// drillRefusal: which drill may run in which session (pure).
import { describe, expect, it } from 'vitest';
import { drillMessages, drillRefusal, loadDrills } from '../../src/drill/index.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';

const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'learner-01', istioNamespace: 'istio-system' });
const drills = loadDrills(set!).drills;
const named = (name: string) => drills.find((d) => d.name === name)!;
const en = drillMessages('en');

describe('drillRefusal', () => {
  it('a drill for one gateway mode is refused in the other', () => {
    expect(drillRefusal(named('export-to'), { mode: 'own', inClass: false, namespace: 'learner-01' }, en)).toMatch(/only works with --gateway shared/);
    expect(drillRefusal(named('export-to'), { mode: 'shared', inClass: true, namespace: 'learner-01' }, en)).toBeUndefined();
  });

  it('a fault outside the learner\'s namespace is refused in a class only', () => {
    expect(drillRefusal(named('access-log-off'), { mode: 'shared', inClass: true, namespace: 'learner-01' }, en)).toMatch(/changes objects in istio-system, which the whole class shares/);
    expect(drillRefusal(named('access-log-off'), { mode: 'shared', inClass: false, namespace: 'learner-01' }, en)).toBeUndefined();
    expect(drillRefusal(named('gateway-name'), { mode: 'shared', inClass: true, namespace: 'learner-01' }, en)).toBeUndefined();
  });
});
