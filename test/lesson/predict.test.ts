// lesson.yaml `predict:` on verification steps: loaded when right (variables substituted), a
// `file:line: problem` for each way it can be wrong; the shipped lessons 3–5 ask real questions.

import { describe, expect, it } from 'vitest';
import { defaultLessonsDir, formatProblems, loadLessonSet } from '../../src/lesson/index.js';
import type { ExecStep, LogsStep } from '../../src/lesson/model.js';
import { edit, lineOf, useLessonLoader } from './fixture.js';

const load = useLessonLoader();

const HTTP = '02-http/lesson.yaml';
const PREDICT = `    predict:
      question: { en: "What does curl to {{httpHost}} get?", zh: "curl 访问 {{httpHost}} 会得到什么？" }
      choices:
        - { en: "200", zh: "200", correct: true }
        - { en: "502", zh: "502", why: { en: "Only without a ServiceEntry.", zh: "只有没有服务入口时才会。" } }
      why: { en: "The ServiceEntry names it.", zh: "服务入口声明了它。" }
`;
const withPredict = (block: string, after = '    expect: { httpStatus: 200 }\n') => edit(HTTP, after, after + block);
const messages = (yaml: string) => load({ [HTTP]: yaml }).problems.map((p) => `${p.file}:${p.line}: ${p.message}`);

describe('predict in lesson.yaml', () => {
  it('loads on an exec step: question, choices with the correct one, why, per-choice why; variables substituted', () => {
    const { set, problems } = load({ [HTTP]: withPredict(PREDICT) });
    expect(problems, formatProblems(problems)).toEqual([]);
    const curl = set!.lessons[1].steps[1] as ExecStep;
    expect(curl.predict).toMatchObject({
      question: { en: 'What does curl to httpbin.org get?', zh: 'curl 访问 httpbin.org 会得到什么？' },
      choices: [
        { text: { en: '200', zh: '200' }, correct: true },
        { text: { en: '502', zh: '502' }, correct: false, why: { en: 'Only without a ServiceEntry.', zh: '只有没有服务入口时才会。' } },
      ],
      why: { en: 'The ServiceEntry names it.', zh: '服务入口声明了它。' },
      source: { file: HTTP },
    });
  });

  it('loads on a logs step', () => {
    const { set, problems } = load({ [HTTP]: withPredict(PREDICT, '      upstreamClusterContains: "outbound|80||{{httpHost}}"\n') });
    expect(problems, formatProblems(problems)).toEqual([]);
    expect((set!.lessons[1].steps[2] as LogsStep).predict?.choices).toHaveLength(2);
  });

  it('one choice, or five: the count is named', () => {
    const one = withPredict(PREDICT.replace('        - { en: "502", zh: "502", why: { en: "Only without a ServiceEntry.", zh: "只有没有服务入口时才会。" } }\n', ''));
    expect(messages(one)).toEqual([`${HTTP}:${lineOf(one, 'choices:')}: predict.choices of step "curl-direct" must be a list of 2 to 4 choices (it has 1), each { en, zh } with one marked correct: true`]);
    const five = withPredict(PREDICT.replace('      why: { en: "The', `${'        - { en: "x", zh: "x" }\n'.repeat(3)}      why: { en: "The`));
    expect(messages(five)).toEqual([`${HTTP}:${lineOf(five, 'choices:')}: predict.choices of step "curl-direct" must be a list of 2 to 4 choices (it has 5), each { en, zh } with one marked correct: true`]);
  });

  it('no correct choice, or two', () => {
    const none = withPredict(PREDICT.replace(', correct: true', ''));
    expect(messages(none)).toEqual([`${HTTP}:${lineOf(none, 'choices:')}: predict.choices of step "curl-direct" must mark exactly one choice correct: true (none is)`]);
    const two = withPredict(PREDICT.replace('zh: "502", why', 'zh: "502", correct: true, why'));
    expect(messages(two)).toEqual([`${HTTP}:${lineOf(two, 'choices:')}: predict.choices of step "curl-direct" must mark exactly one choice correct: true (2 are)`]);
  });

  it('a missing language in the question, a choice or the why', () => {
    const yaml = withPredict(
      PREDICT.replace(', zh: "curl 访问 {{httpHost}} 会得到什么？"', '').replace('{ en: "200", zh: "200", correct: true }', '{ zh: "200", correct: true }').replace('why: { en: "The ServiceEntry names it.", zh: "服务入口声明了它。" }', 'why: { en: "The ServiceEntry names it." }'),
    );
    expect(messages(yaml)).toEqual([
      `${HTTP}:${lineOf(yaml, 'question:')}: predict.question of step "curl-direct" has no Chinese (zh) text`,
      `${HTTP}:${lineOf(yaml, 'why: { en: "The')}: predict.why of step "curl-direct" has no Chinese (zh) text`,
      `${HTTP}:${lineOf(yaml, '{ zh: "200"')}: choice 1 of the predict of step "curl-direct" has no English (en) text`,
    ]);
  });

  it('no why for a choice without its own; an unknown field', () => {
    const yaml = withPredict(PREDICT.replace('      why: { en: "The ServiceEntry names it.", zh: "服务入口声明了它。" }\n', '      hint: nope\n'));
    expect(messages(yaml)).toEqual([
      `${HTTP}:${lineOf(yaml, 'hint: nope')}: unknown field "hint" in the predict of step "curl-direct" (it takes question, choices, why)`,
      `${HTTP}:${lineOf(yaml, 'predict:')}: predict of step "curl-direct" needs a why: { en, zh } (or a why on every choice), shown after the check`,
    ]);
  });

  it('on a step that verifies nothing (apply, delete, explain)', () => {
    const yaml = edit(HTTP, '    manifests: [serviceentry.yaml]\n', `    manifests: [serviceentry.yaml]\n${PREDICT}`);
    expect(messages(yaml)).toEqual([`${HTTP}:${lineOf(yaml, 'predict:')}: predict is only for verification steps (exec, logs); step "service-entry" is an apply step`]);
  });

  it('the shipped lessons 3, 4 and 5 ask before their verifications: at least six, each with one correct choice, both languages', () => {
    const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
    expect(problems).toEqual([]);
    const asked = set!.lessons.flatMap((l) => l.steps.filter((s): s is ExecStep | LogsStep => (s.kind === 'exec' || s.kind === 'logs') && s.predict !== undefined).map((s) => ({ lesson: l.id, step: s })));
    expect(asked.length).toBeGreaterThanOrEqual(6);
    // The core lessons that ask are 3 to 5; the tracks ask too.
    expect(new Set(asked.filter((a) => !set!.lessons.find((l) => l.id === a.lesson)!.track).map((a) => a.lesson))).toEqual(new Set(['03-outbound-policy-experiment', '04-http-egress-gateway', '05-https-passthrough']));
    for (const { step } of asked) {
      const p = step.predict!;
      expect(p.choices.filter((c) => c.correct)).toHaveLength(1);
      expect(p.question.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.why?.zh ?? '').toMatch(/[\u4e00-\u9fff]/);
      expect(p.question.en).not.toMatch(/\{\{/);
    }
  });
});
