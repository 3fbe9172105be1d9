// The drill screen (ink-testing-library) over a real drill attempt on the practice cluster:
// the symptom, hint levels on h, Enter verifying (still failing with the diagnosis, then fixed),
// the time and hints saved; q abandons and cleans up. English and Chinese.
import { render } from 'ink-testing-library';
import React from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillLabel, DrillSession } from '../../src/drill/index.js';
import { memoryDrillStore } from '../../src/progress/index.js';
import { DrillScreen } from '../../src/ui/drill.js';
import { KEY, waitFor } from '../ui/helpers.js';
import { FIXES } from './fixes.js';
import { startWorld, type DrillWorld } from './helpers.js';

let world: DrillWorld;

beforeAll(async () => {
  world = await startWorld();
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

function mount(name: string, lang: 'en' | 'zh', verifyTimeoutMs: number) {
  const store = memoryDrillStore();
  const drill = world.drills.find((d) => d.name === name)!;
  const session = new DrillSession({ ...world.ctx(lang, verifyTimeoutMs), drill, store });
  const exits: number[] = [];
  const instance = render(
    React.createElement(DrillScreen, { session, lang, kubeconfig: '/tmp/state/egress-tutorial/practice.kubeconfig', context: 'egress-tutorial-practice', namespace: 'default', plain: true, onExit: (c: number) => exits.push(c) }),
  );
  const frame = () => instance.lastFrame() ?? '';
  const waitForText = async (text: string | RegExp, timeoutMs = 20_000) => {
    await waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), `${String(text)} in\n${frame()}`, timeoutMs);
    return frame();
  };
  const press = async (key: string) => {
    instance.stdin.write(key);
    await new Promise((r) => setTimeout(r, 20));
  };
  return { store, session, exits, instance, frame, waitForText, press };
}

describe('drill screen', () => {
  it('subset-missing: symptom, three hint levels on h, Enter still failing with the diagnosis, then fixed with the time and hints saved', async () => {
    const ui = mount('subset-missing', 'en', 1500);
    try {
      let f = await ui.waitForText('Enter verify my fix · h hint');
      expect(f).toMatch(/HTTP\/1\.1 503 Service Unavailable/);
      expect(f).toMatch(/The egress gateway logged no line for this request\./);
      expect(f).toContain('export KUBECONFIG=/tmp/state/egress-tutorial/practice.kubeconfig');
      expect(f).toMatch(/hints 0\/3/);

      await ui.press('h');
      f = await ui.waitForText('Hint 1 of 3: where to look');
      expect(f).not.toContain('Hint 2 of 3');
      await ui.press('h');
      f = await ui.waitForText('Hint 2 of 3: which field');
      expect(f).toMatch(/spec\.subsets\[\]\.name/);
      await ui.press('h');
      f = await ui.waitForText('Hint 3 of 3: the exact fix');
      expect(f).toMatch(/kubectl patch destinationrule egressgateway-for-cnn -n default/);
      await ui.press('h'); // there is no fourth level
      f = await ui.waitForText('hints 3/3');
      expect(f).not.toContain('Hint 4');
      expect(ui.store.load()['subset-missing']).toMatchObject({ hints: 3 });

      await ui.press(KEY.enter);
      f = await ui.waitForText('✗ Still failing: HTTP 503');
      expect(f).toMatch(/DestinationRule subset that is\s+missing/);

      await FIXES['subset-missing'](world.kubectl);
      await ui.press(KEY.enter);
      f = await ui.waitForText(/Time: \d+ s, hints used: 3 of 3\./);
      expect(f).toMatch(/✓ Fixed: HTTP 200, and the gateway logged the request\./);
      expect(f).toMatch(/Why it failed/);
      const saved = ui.store.load()['subset-missing'];
      expect(saved).toMatchObject({ passed: true, hintsUsed: 3, attempts: 2 });
      expect(saved.startedAt).toBeUndefined();
      await waitFor(() => ui.session.snapshot().phase === 'passed', 'the cleanup');
      f = await ui.waitForText(/Removed the drill's \d+ objects\./);
      expect(f).toMatch(/\nq quit$/);
      expect(await world.port.listManaged({ lesson: drillLabel('subset-missing'), namespaces: ['default', 'istio-system'] })).toEqual([]);

      await ui.press('q');
      await waitFor(() => ui.exits.length > 0, 'exit');
      expect(ui.exits).toEqual([0]);
    } finally {
      ui.instance.unmount();
    }
  }, 90_000);

  it('export-to in Chinese: the symptom and a hint in Chinese; q gives up and removes the drill\'s objects', async () => {
    const ui = mount('export-to', 'zh', 1500);
    try {
      let f = await ui.waitForText('Enter 验证修复 · h 提示 · q 放弃');
      expect(f).toMatch(/出口网关为这个请求记录的日志行：/);
      expect(f).toMatch(/404 NR route_not_found/);
      expect(f).toMatch(/排障演练 export-to │ 04-http-egress-gateway │ 提示 0\/3/);
      await ui.press('h');
      f = await ui.waitForText('提示 1/3：去哪里看');
      expect(f).toMatch(/它能看到这个虚拟服务吗/);
      expect(await world.port.listManaged({ lesson: drillLabel('export-to'), namespaces: ['default', 'istio-system'] })).not.toEqual([]);

      await ui.press('q');
      await waitFor(() => ui.exits.length > 0, 'exit', 30_000);
      expect(ui.exits).toEqual([1]);
      expect(await world.port.listManaged({ lesson: drillLabel('export-to'), namespaces: ['default', 'istio-system'] })).toEqual([]);
      expect(ui.store.load()['export-to']?.startedAt).toBeUndefined();
      expect(ui.store.load()['export-to']?.passed).toBeUndefined();
    } finally {
      ui.instance.unmount();
    }
  }, 90_000);
});
