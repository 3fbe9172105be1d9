// The first frame, painted as plain text before ink, React and yoga load (about 100 ms of imports
// on the machines we measured). It shows the same words the UI's connecting screen shows, in the
// alternate screen the UI then takes over, so the learner sees the tutorial start at once.
// Keys typed in between are buffered by the terminal and reach the UI when it is up.

import type { Lang } from '../lesson/model.js';
import { messages } from './messages.js';

export const ENTER_ALT_SCREEN = '\x1b[?1049h';
export const HOME_AND_CLEAR = '\x1b[H\x1b[2J';

/** The escape sequence and text that paint the splash: title, then what the UI is about to do. */
export function splashFrame(lang: Lang, practice: boolean, target: string): string {
  const m = messages(lang);
  const doing = practice ? m.startingPractice : m.connectingTo(target);
  // No spinner glyph: nothing animates until the UI takes over (and benches tell the two apart by it).
  return `${ENTER_ALT_SCREEN}${HOME_AND_CLEAR}${m.appName}\r\n  ${doing}\r\n`;
}
