// The drill menu inside the tutorial: the lesson list's last entry opens the break-fix drills;
// Enter starts one on the practice cluster (the real drill attempt over client-node), q gives up
// and cleans up, and the learner is back in the menu, then (Esc) in the lesson list. Both languages.

import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { interactiveDrills } from '../../src/cli/drill.js';
import type { Session } from '../../src/cli/session.js';
import { drillLabel } from '../../src/drill/index.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import { parseCli } from '../../src/cli/args.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { startWorld, type DrillWorld } from '../drill/helpers.js';
import { cellWidth } from '../../src/ui/text.js';
import { KEY, renderApp, waitFor, type Harness } from './helpers.js';

/** Setting a drill up and cleaning it up take a few seconds on a busy machine. */
async function waitLong(app: Harness, text: string): Promise<string> {
  await waitFor(() => app.frame().includes(text), `"${text}" in:\n${app.frame()}`, 40_000);
  return app.frame();
}
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let world: DrillWorld;
let stateHome: string;
beforeAll(async () => {
  world = await startWorld();
  stateHome = mkdtempSync(join(tmpdir(), 'drill-menu-'));
}, 60_000);
afterAll(async () => {
  await world?.stop();
  rmSync(stateHome, { recursive: true, force: true });
});
afterEach(() => cleanup());

function menuOver(engine: Engine, lang: 'en' | 'zh', mode: 'shared' | 'own' = 'shared') {
  const session = { engine, port: world.port, lessons: world.lessons, namespace: 'default', backend: 'practice', gateway: { mode, source: 'default' } } as unknown as Session;
  const { flags } = parseCli(['--practice', '--lang', lang], {});
  return interactiveDrills(flags, { XDG_STATE_HOME: stateHome }, () => session);
}

describe.each(['en', 'zh'] as const)('drill menu (%s)', (lang) => {
  const t = {
    en: { lessons: 'Lessons', more: 'more below, the break-fix drills last', entry: '▸ Break-fix drills', title: 'Break-fix drills', drillKeys: 'Enter verify my fix · h hint', menuKeys: 'Enter start · Esc back to the lessons' },
    zh: { lessons: '课程', more: '，排障演练在最后', entry: '▸ 排障演练', title: '排障演练', drillKeys: 'Enter 验证修复 · h 提示', menuKeys: 'Enter 开始 · Esc 返回课程列表' },
  }[lang];

  it('reachable from the lesson list by keys; a drill starts, q gives up and cleans up, back to the menu and the list', async () => {
    const engine = createEngine({ lessons: world.lessons, port: world.port, progress: memoryProgressStore(), lang, namespace: 'default', istioNamespace: 'istio-system' });
    try {
      const app = renderApp({ engine: engine as never, lang, columns: 80, rows: 24, drills: menuOver(engine, lang) });
      await app.waitForText(t.lessons);
      // The list is longer than the screen: its last row says what is below, the drills among it.
      expect(app.frame()).toContain(t.more);
      for (let i = 0; i < world.lessons.lessons.length; i++) await app.press('j');
      await app.press('j'); // the entry is the last row: the cursor stays on it
      await app.waitForText(`› ${t.entry}`);
      await app.press(KEY.enter);
      let frame = await app.waitForText('subset-missing');
      expect(frame).toContain(t.menuKeys);
      expect(frame).toMatch(/› 3 {2}no-service-entry/); // the first drill, lesson 3, is selected
      for (const line of frame.split('\n')) expect(cellWidth(line), line).toBeLessThanOrEqual(80);

      // Down to subset-missing (lesson 4) and start it.
      const names = (await menuOver(engine, lang).list()).drills.map((d) => d.name);
      for (let i = 0; i < names.indexOf('subset-missing'); i++) await app.press('j');
      await app.waitForText('› 4  subset-missing');
      await app.press(KEY.enter);
      frame = await waitLong(app, t.drillKeys);
      expect(frame).toMatch(/503/);
      expect((await world.port.listManaged({ lesson: drillLabel('subset-missing'), namespaces: ['default', 'istio-system'] })).length).toBeGreaterThan(0);

      // q gives up: the drill removes its objects, and the menu is back.
      await app.press('q');
      await waitLong(app, t.menuKeys);
      expect(await world.port.listManaged({ lesson: drillLabel('subset-missing'), namespaces: ['default', 'istio-system'] })).toEqual([]);

      // Esc: the lesson list, the drills entry still selected; Enter on a lesson still opens it.
      await app.press(KEY.esc);
      await app.waitForText(`› ${t.entry}`);
      await app.press('k');
      await app.press(KEY.enter);
      await app.waitForNoText(t.entry);
      expect(engine.snapshot().lesson.id).toBe(world.lessons.lessons.at(-1)!.id);
      app.unmount();
    } finally {
      engine.dispose();
    }
  }, 90_000);

  it('a drill for the other gateway mode is refused in the menu with the reason, and nothing is set up', async () => {
    const engine = createEngine({ lessons: world.lessons, port: world.port, progress: memoryProgressStore(), lang, namespace: 'default', istioNamespace: 'istio-system' });
    try {
      const drills = menuOver(engine, lang, 'own');
      const app = renderApp({ engine: engine as never, lang, columns: 80, rows: 24, drills });
      await app.waitForText(t.lessons);
      for (let i = 0; i < world.lessons.lessons.length; i++) await app.press('j');
      await app.press(KEY.enter);
      await app.waitForText('subset-missing');
      const names = (await drills.list()).drills.map((d) => d.name);
      for (let i = 0; i < names.indexOf('export-to'); i++) await app.press('j');
      await app.waitForText('› 4  export-to');
      await app.press(KEY.enter);
      await app.waitForText('--gateway shared');
      expect(app.frame()).toContain(t.menuKeys);
      expect(await world.port.listManaged({ lesson: drillLabel('export-to'), namespaces: ['default', 'istio-system'] })).toEqual([]);
      app.unmount();
    } finally {
      engine.dispose();
    }
  }, 60_000);
});
