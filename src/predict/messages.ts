// The prediction's sentences in both languages (the question's chrome and the outcome after the check).

import type { Lang } from '../lesson/model.js';

export interface PredictMessages {
  /** Above the question. */
  title: string;
  /** The footer while the question is shown. */
  keys(n: number): string;
  held(chosen: string, why: string): string;
  didNotHold(chosen: string, right: string, why: string): string;
  notScoredYet: string;
  skipped: string;
}

const en: PredictMessages = {
  title: 'Predict first: what will happen?',
  keys: (n) => `1–${n} answer · Enter skip · Esc back`,
  held: (chosen, why) => `✓ Your prediction held: ${chosen}. ${why}`.trim(),
  didNotHold: (chosen, right, why) => `✗ Your prediction did not hold: not "${chosen}" but "${right}". ${why}`.trim(),
  notScoredYet: 'Your prediction is scored once the check passes.',
  skipped: 'Prediction skipped.',
};

const zh: PredictMessages = {
  title: '先预测：会发生什么？',
  keys: (n) => `1–${n} 作答 · Enter 跳过 · Esc 返回`,
  held: (chosen, why) => `✓ 你的预测成立：${chosen}。${why}`,
  didNotHold: (chosen, right, why) => `✗ 你的预测不成立：不是“${chosen}”，而是“${right}”。${why}`,
  notScoredYet: '检查通过后再判定你的预测。',
  skipped: '已跳过预测。',
};

export function predictMessages(lang: Lang): PredictMessages {
  return lang === 'zh' ? zh : en;
}
