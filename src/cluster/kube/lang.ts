// The learner's language for the sentences the kube backend produces. Every sentence is written
// in both languages side by side at the place it is made, so the English text stays exactly what
// tests and scripts grep, and the Chinese one reads naturally (commands, kinds and resource names
// stay as they are inside it).

import type { Lang } from '../../lesson/model.js';

export type { Lang };

/** The English or the Chinese sentence. */
export function say(lang: Lang | undefined, en: string, zh: string): string {
  return lang === 'zh' ? zh : en;
}

/** A sentence in both languages: the learner may switch language after it was made (issue 12 item 9). */
export interface Both {
  en: string;
  zh: string;
}

export function both(en: string, zh: string): Both {
  return { en, zh };
}

/** An outcome's message in the connection's language, with both for a later switch. */
export function messageIn(lang: Lang | undefined, text: Both): { message: string; messages: Both } {
  return { message: say(lang, text.en, text.zh), messages: text };
}
