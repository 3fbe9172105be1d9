// The prediction records' pure logic: asking, answering, scoring after the check, counting, and the
// sentences the learner reads in both languages.

import { describe, expect, it } from 'vitest';
import type { ExecStep, Step } from '../../src/lesson/model.js';
import { answer, outcomeText, readRecord, score, scoreOf, scoreText, shouldAsk } from '../../src/predict/index.js';

const step = {
  id: 'curl-blocked',
  kind: 'exec',
  title: { en: '', zh: '' },
  body: { en: '', zh: '' },
  source: { file: 'x', line: 1 },
  target: { namespace: 'default', labels: { app: 'curl' }, container: 'curl' },
  command: ['curl'],
  tagRequest: false,
  expect: { httpStatus: 502 },
  predict: {
    question: { en: 'What?', zh: '什么？' },
    choices: [
      { text: { en: 'HTTP 200', zh: 'HTTP 200' }, correct: false },
      { text: { en: 'HTTP 502', zh: 'HTTP 502' }, correct: true },
      { text: { en: 'exit 35', zh: '退出码 35' }, correct: false, why: { en: 'That is HTTPS.', zh: '那是 HTTPS 的情形。' } },
    ],
    why: { en: 'block_all answers 502.', zh: 'block_all 返回 502。' },
    source: { file: 'x', line: 2 },
  },
} as ExecStep;
const explain = { id: 'plan', kind: 'explain', title: { en: '', zh: '' }, body: { en: '', zh: '' }, source: { file: 'x', line: 1 } } as Step;

describe('predictions', () => {
  it('asks once: until answered or skipped; never on a step without a prediction', () => {
    expect(shouldAsk(step, undefined)).toBe(true);
    expect(shouldAsk(step, { 'curl-blocked': { choice: null } })).toBe(false);
    expect(shouldAsk(step, { 'curl-blocked': { choice: 1 } })).toBe(false);
    expect(shouldAsk(step, { 'curl-blocked': { choice: 'x' } as never })).toBe(true); // a damaged record is no answer
    expect(shouldAsk(explain, undefined)).toBe(false);
  });

  it('an answer out of range is no answer; a skip is null', () => {
    expect(answer(undefined, step, 3)).toBeUndefined();
    expect(answer(undefined, step, -1)).toBeUndefined();
    expect(answer(undefined, explain, 0)).toBeUndefined();
    expect(answer({ other: { choice: 0, held: true } }, step, null)).toEqual({ other: { choice: 0, held: true }, 'curl-blocked': { choice: null } });
  });

  it('scores after the pass: the correct choice held, another did not; a skip and a scored one stay as they are', () => {
    expect(score({ 'curl-blocked': { choice: 1 } }, step)).toEqual({ 'curl-blocked': { choice: 1, held: true } });
    expect(score({ 'curl-blocked': { choice: 0 } }, step)).toEqual({ 'curl-blocked': { choice: 0, held: false } });
    expect(score({ 'curl-blocked': { choice: null } }, step)).toBeUndefined();
    expect(score({ 'curl-blocked': { choice: 0, held: false } }, step)).toBeUndefined();
    expect(score(undefined, step)).toBeUndefined();
  });

  it('counts scored answers across lessons: skips and answers whose check has not passed do not count', () => {
    const s = scoreOf({
      a: { predictions: { x: { choice: 1, held: true }, y: { choice: 0, held: false }, z: { choice: null } } },
      b: { predictions: { x: { choice: 2 }, w: { choice: 1, held: true } } },
      c: {},
    });
    expect(s).toEqual({ correct: 2, answered: 3 });
    expect(scoreText(s)).toBe('2/3 (67%)');
    expect(scoreText({ correct: 0, answered: 0 })).toBe('-');
    expect(readRecord({ choice: 2, held: 'yes' })).toEqual({ choice: 2 });
  });

  it('says whether it held and why, in English and Chinese; a choice\'s own why wins', () => {
    expect(outcomeText(step, { choice: 1, held: true }, 'en')).toBe('✓ Your prediction held: HTTP 502. block_all answers 502.');
    expect(outcomeText(step, { choice: 0, held: false }, 'en')).toBe('✗ Your prediction did not hold: not "HTTP 200" but "HTTP 502". block_all answers 502.');
    expect(outcomeText(step, { choice: 2, held: false }, 'en')).toBe('✗ Your prediction did not hold: not "exit 35" but "HTTP 502". That is HTTPS.');
    expect(outcomeText(step, { choice: 1, held: true }, 'zh')).toBe('✓ 你的预测成立：HTTP 502。block_all 返回 502。');
    expect(outcomeText(step, { choice: 0, held: false }, 'zh')).toBe('✗ 你的预测不成立：不是“HTTP 200”，而是“HTTP 502”。block_all 返回 502。');
    expect(outcomeText(step, { choice: 0 }, 'en')).toBe('Your prediction is scored once the check passes.');
    expect(outcomeText(step, { choice: null }, 'en')).toBeUndefined();
  });
});
