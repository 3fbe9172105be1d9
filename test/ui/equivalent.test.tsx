// `v` on an apply step with `equivalent:` shows the same intent in the other API (title, what
// differs, the manifests), scrolls, switches language with L, and closes with v or Esc; a step
// without one does nothing on v. At 80×24, in both languages.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { ApplyStep, Lesson } from '../../src/lesson/model.js';
import { FakeEngine, sampleLessons } from './fakeEngine.js';
import { KEY, renderApp } from './helpers.js';

afterEach(() => cleanup());

const ROUTE = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: direct-cnn-to-egress-gateway\nspec:\n  parentRefs:\n  - kind: ServiceEntry\n    group: networking.istio.io\n    name: cnn\n';

function lessonsWithEquivalent(): Lesson[] {
  const lessons = sampleLessons();
  const apply = lessons[0].steps.find((s) => s.kind === 'apply') as ApplyStep;
  apply.equivalent = {
    api: 'gateway-api',
    note: { en: 'No DestinationRule subset: the route names the gateway Service.', zh: '不需要目标规则子集：路由直接指向网关的 Service。' },
    manifests: [{ file: '10-gateway-api-http/manifests/httproute.yaml', yaml: ROUTE, objects: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'direct-cnn-to-egress-gateway' } }] }],
  };
  return lessons;
}

/** The app at 80×24 on the first lesson's first step, and how many Enters reach its apply step (the steps before it explain). */
async function atFirstLesson() {
  const lessons = lessonsWithEquivalent();
  const engine = new FakeEngine({ lessons });
  const ui = renderApp({ engine, columns: 80, rows: 24 });
  await ui.waitForText('Lessons');
  await ui.press(KEY.enter);
  const toApply = async () => {
    for (let i = 0; i < lessons[0].steps.findIndex((s) => s.kind === 'apply'); i++) await ui.press(KEY.enter);
    return ui.waitForText('v Gateway API');
  };
  return { engine, ui, toApply };
}

describe('the other API beside an apply step', () => {
  it('v shows it, L switches its language, v closes it (en → zh)', async () => {
    const { engine, ui, toApply } = await atFirstLesson();
    let frame = await toApply();
    await ui.press('v');
    frame = await ui.waitForText('The same intent in the Kubernetes Gateway API');
    expect(frame).toContain('No DestinationRule subset: the route names the gateway Service.');
    expect(frame).toContain('Shown for comparison, not applied');
    expect(frame).toContain('kind: HTTPRoute');
    expect(frame).toContain('v/Esc close');
    await ui.press('L');
    frame = await ui.waitForText('同样的意图，用 Kubernetes Gateway API 表达');
    expect(frame).toContain('不需要目标规则子集');
    expect(engine.calls).toContain('setLang:zh');
    await ui.press('v');
    frame = await ui.waitForText('v Gateway API');
    expect(frame).not.toContain('同样的意图');
    expect(frame).toContain('应用 curl 客户端。');
  });

  it('Esc closes it; a step without an equivalent ignores v', async () => {
    const { ui, toApply } = await atFirstLesson();
    await ui.press('v'); // the first step explains: nothing to compare
    expect(ui.frame()).not.toContain('The same intent');
    await toApply();
    await ui.press('v');
    await ui.waitForText('The same intent in the Kubernetes Gateway API');
    await ui.press(KEY.esc);
    const frame = await ui.waitForText('v Gateway API');
    expect(frame).not.toContain('The same intent');
  });
});
