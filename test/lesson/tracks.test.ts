// Tracks (course.yaml `tracks:`, lesson.yaml `track:`): parsed, validated with file:line, grouped after
// the core lessons; a plain run walks the core lessons, `--track` that track's with what it requires.
import { describe, expect, it } from 'vitest';
import { GOOD, useLessonLoader } from './fixture.js';
import { lessonsToRun } from '../../src/engine/machine.js';
import { loadLessonSet, defaultLessonsDir } from '../../src/lesson/index.js';

const TRACKS = `tracks:
  - id: gateway-api
    title: { en: Gateway API, zh: Gateway API 版本 }
    requires: { en: the Gateway API CRDs, zh: Gateway API 的 CRD }
`;

/** A track lesson 10-gwapi that requires the core 01-setup. */
function trackLesson(track = 'gateway-api', requires = '01-setup'): Record<string, string> {
  return {
    '10-gwapi/lesson.yaml': `track: ${track}\nrequires: [${requires}]\nsteps:\n  - id: preflight\n    kind: check\n    checks: [cluster-reachable]\n`,
    '10-gwapi/en.md': '# Gateway API\n\nThe same, with routes.\n\n## Pre-flight {#preflight}\n\nChecks.\n',
    '10-gwapi/zh.md': '# Gateway API\n\n用路由实现同样的事。\n\n## 预检 {#preflight}\n\n检查。\n',
  };
}

describe('tracks', () => {
  const load = useLessonLoader();

  it('reads the tracks of course.yaml and the track of a lesson', () => {
    const { set, problems } = load({ 'course.yaml': GOOD['course.yaml'] + TRACKS, ...trackLesson() });
    expect(problems).toEqual([]);
    expect(set!.tracks).toEqual([{ id: 'gateway-api', title: { en: 'Gateway API', zh: 'Gateway API 版本' }, requires: { en: 'the Gateway API CRDs', zh: 'Gateway API 的 CRD' } }]);
    expect(set!.lessons.map((l) => [l.id, l.track])).toEqual([['01-setup', undefined], ['02-http', undefined], ['10-gwapi', 'gateway-api']]);
  });

  it('names an undeclared track with its line and the declared ones', () => {
    const { problems } = load({ 'course.yaml': GOOD['course.yaml'] + TRACKS, ...trackLesson('gateway') });
    expect(problems).toContainEqual({ file: '10-gwapi/lesson.yaml', line: 1, message: 'track "gateway" is not declared in course.yaml (tracks: gateway-api)' });
  });

  it('checks the declaration of a track: kebab-case id, both languages, no unknown field, no duplicate', () => {
    const bad = `tracks:
  - id: Gateway_API
    title: { en: x, zh: y }
    requires: { en: x, zh: y }
  - id: tls
    title: { en: TLS }
    requires: { en: x, zh: y }
    order: 2
  - id: tls
    title: { en: x, zh: y }
    requires: { en: x, zh: y }
`;
    const { problems } = load({ 'course.yaml': GOOD['course.yaml'] + bad });
    const messages = problems.filter((p) => p.file === 'course.yaml').map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining([
      'track id "Gateway_API" must be kebab-case, like gateway-api',
      'track "tls" title has no Chinese text (zh:)',
      'unknown field "order" in a track (id, title, requires)',
      'track "tls" is declared twice',
    ]));
  });

  it('refuses a core lesson after a track lesson, and a core lesson requiring a track lesson', () => {
    const lesson = trackLesson();
    const renamed = Object.fromEntries(Object.entries(lesson).map(([k, v]) => [k.replace('10-gwapi', '00-gwapi'), v.replace('requires: [01-setup]\n', '')]));
    const { problems } = load({ 'course.yaml': GOOD['course.yaml'] + TRACKS, ...renamed });
    expect(problems.map((p) => p.message)).toContainEqual(expect.stringContaining('a core lesson (no track:) must come before every track'));
  });

  it('refuses a lesson that requires another track', () => {
    const two = TRACKS + `  - id: ambient\n    title: { en: Ambient, zh: Ambient }\n    requires: { en: ztunnel, zh: ztunnel }\n`;
    const other = Object.fromEntries(Object.entries(trackLesson('ambient', '10-gwapi')).map(([k, v]) => [k.replace('10-gwapi', '20-ambient'), v]));
    const { problems } = load({ 'course.yaml': GOOD['course.yaml'] + two, ...trackLesson(), ...other });
    expect(problems).toContainEqual({ file: '20-ambient/lesson.yaml', line: 1, message: 'requires 10-gwapi, a lesson of track "gateway-api"; a lesson may require core lessons and lessons of its own track only' });
  });

  it('a plain run walks the core lessons; --track walks the track with what it requires', () => {
    const { set } = load({ 'course.yaml': GOOD['course.yaml'] + TRACKS, ...trackLesson() });
    expect(lessonsToRun(set!.lessons, []).ids).toEqual(['01-setup', '02-http']);
    expect(lessonsToRun(set!.lessons, [], 'gateway-api').ids).toEqual(['01-setup', '10-gwapi']);
    expect(lessonsToRun(set!.lessons, ['10-gwapi']).ids).toEqual(['01-setup', '10-gwapi']);
  });

  it('the shipped course declares its tracks in both languages', () => {
    const { set, problems } = loadLessonSet(defaultLessonsDir());
    expect(problems).toEqual([]);
    expect(set!.tracks!.map((t) => t.id)).toEqual(expect.arrayContaining(['gateway-api', 'tls-origination', 'network-policy', 'ambient']));
    // Every shipped track lesson comes after every core lesson.
    const core = set!.lessons.filter((l) => !l.track).map((l) => l.id);
    expect(set!.lessons.slice(0, core.length).map((l) => l.id)).toEqual(core);
  });
});
