// Styles by role. With NO_COLOR (or plain: true) every role is unstyled and pre-rendered text has
// its escapes stripped; state is always carried by words and symbols, so nothing is lost.

import type { TextProps } from 'ink';
import { createContext, useContext } from 'react';

export type Role =
  | 'title'
  | 'heading'
  | 'muted'
  | 'accent'
  | 'pass'
  | 'warn'
  | 'fail'
  | 'proof'
  | 'selected'
  | 'status'
  | 'key';

export interface Theme {
  plain: boolean;
  style(role: Role): TextProps;
}

const colourStyles: Record<Role, TextProps> = {
  title: { bold: true, color: 'cyan' },
  heading: { bold: true },
  muted: { dimColor: true },
  accent: { color: 'cyan' },
  pass: { color: 'green', bold: true },
  warn: { color: 'yellow', bold: true },
  fail: { color: 'red', bold: true },
  proof: { color: 'black', backgroundColor: 'yellow' },
  selected: { inverse: true },
  status: { inverse: true },
  key: { bold: true },
};

export function createTheme(plain: boolean): Theme {
  return { plain, style: (role) => (plain ? {} : colourStyles[role]) };
}

/** NO_COLOR set to a non-empty value (https://no-color.org). */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env.NO_COLOR === 'string' && env.NO_COLOR !== '';
}

export const ThemeContext = createContext<Theme>(createTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
