// lesson.yaml's `learned` (the "lesson done" line) and an exec step's `dependsOn` (the apply steps
// whose objects give it meaning): loaded when right, `file:line: problem` when wrong; every shipped
// lesson says what it teaches in both languages.

import { describe, expect, it } from 'vitest';
import { defaultLessonsDir, formatProblems, loadLessonSet } from '../../src/lesson/index.js';
import type { ExecStep } from '../../src/lesson/model.js';
import { edit, lineOf, useLessonLoader } from './fixture.js';

const load = useLessonLoader();

const HTTP = '02-http/lesson.yaml';

describe('learned and dependsOn in lesson.yaml', () => {
  it('load: the learned line per language (variables substituted) and the steps an exec step depends on', () => {
    const yaml = edit(HTTP, 'steps:\n', 'learned:\n  en: "{{httpHost}} goes out through the gateway."\n  zh: "{{httpHost}} 经网关出去。"\nsteps:\n').replace(
      '    tagRequest: true\n',
      '    tagRequest: true\n    dependsOn: [service-entry]\n',
    );
    const { set, problems } = load({ [HTTP]: yaml });
    expect(problems, formatProblems(problems)).toEqual([]);
    const http = set!.lessons[1];
    expect(http.learned).toEqual({ en: 'httpbin.org goes out through the gateway.', zh: 'httpbin.org 经网关出去。' });
    expect((http.steps[1] as ExecStep).dependsOn).toEqual(['service-entry']);
  });

  it('problems: learned without zh, dependsOn naming a later or unknown step', () => {
    const yaml = edit(HTTP, 'steps:\n', 'learned:\n  en: Something.\nsteps:\n').replace('    tagRequest: true\n', '    tagRequest: true\n    dependsOn: [cleanup, nope]\n');
    const { set, problems } = load({ [HTTP]: yaml });
    expect(set).toBeUndefined();
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      `${HTTP}:${lineOf(yaml, 'learned:')}: learned needs a non-empty zh line`,
      `${HTTP}:${lineOf(yaml, 'dependsOn')}: dependsOn of step "curl-direct" names "cleanup", which is not an apply step before it (earlier apply steps: service-entry)`,
      `${HTTP}:${lineOf(yaml, 'dependsOn')}: dependsOn of step "curl-direct" names "nope", which is not an apply step before it (earlier apply steps: service-entry)`,
    ]);
  });

  it('every shipped lesson has its learned line in English and Chinese; the gateway curls depend on the objects that route them', () => {
    const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
    expect(problems).toEqual([]);
    for (const lesson of set!.lessons) {
      expect(lesson.learned?.en, lesson.id).toMatch(/\S/);
      expect(lesson.learned?.zh, lesson.id).toMatch(/[\u4e00-\u9fff]/);
    }
    const curl = set!.lessons.find((l) => l.id === '04-http-egress-gateway')!.steps.find((s) => s.id === 'curl-gateway') as ExecStep;
    expect(curl.dependsOn).toEqual(['service-entry', 'gateway', 'virtual-service']);
  });
});
