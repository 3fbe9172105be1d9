// The course menu shows each track's lessons after the core ones, under a heading that says what
// the track needs; the heading is not an entry (the cursor goes from the last core lesson to the track's).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { Lesson } from '../../src/lesson/model.js';
import { FakeEngine, sampleLessons } from './fakeEngine.js';
import { KEY, renderApp } from './helpers.js';

afterEach(() => cleanup());

function withTrack(): Lesson[] {
  const lessons = sampleLessons();
  const last = lessons[lessons.length - 1];
  const track: Lesson = { ...last, id: '10-gateway-api', track: 'gateway-api', title: { en: 'HTTP with HTTPRoutes', zh: '用 HTTPRoute 走 HTTP' } };
  return [...lessons, track];
}
const tracks = [{ id: 'gateway-api', title: { en: 'The Gateway API', zh: 'Gateway API' }, requires: { en: 'the Gateway API CRDs', zh: 'Gateway API 的 CRD' } }];

describe.each(['en', 'zh'] as const)('course menu with a track (%s)', (lang) => {
  const t = {
    en: { heading: '  Track: The Gateway API — needs the Gateway API CRDs', lessons: 'Lessons', entry: 'HTTP with HTTPRoutes' },
    zh: { heading: '  专题：Gateway API —— 需要 Gateway API 的 CRD', lessons: '课程', entry: '用 HTTPRoute 走 HTTP' },
  }[lang];

  it('the track heading sits between the core lessons and the track, and is skipped by the cursor', async () => {
    const lessons = withTrack();
    const engine = new FakeEngine({ lessons, tracks, lang });
    const ui = renderApp({ engine, lang, columns: 80, rows: 24 });
    let frame = await ui.waitForText(t.lessons);
    const rows = frame.split('\n');
    const heading = rows.findIndex((r) => r.startsWith(t.heading));
    expect(heading).toBeGreaterThan(0);
    expect(rows[heading - 1]).toMatch(new RegExp(`${lessons.length - 1}\\. `));
    // A lesson goes by its folder's number (10-gateway-api is lesson 10), as the prose calls it.
    expect(rows[heading + 1]).toContain(`10. ${t.entry}`);
    for (let i = 0; i < lessons.length - 1; i++) await ui.press(KEY.down);
    frame = await ui.waitForText(`› · 10. ${t.entry}`);
    expect(frame).not.toContain(`›${t.heading.slice(1)}`);
    await ui.press(KEY.enter);
    frame = await ui.waitForText(lang === 'en' ? 'lesson 10 step' : '第 10 课');
    expect(frame).not.toMatch(/lesson 10\/|课程 10\//);
  });
});
