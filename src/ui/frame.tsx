// Building blocks of every screen: pre-wrapped rows, the header, the status bar and the hint line.

import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import React from 'react';
import type { EngineSnapshot } from '../engine/types.js';
import type { Lang } from '../lesson/model.js';
import { messages } from './messages.js';
import { lessonPosition } from './screens.js';
import type { Row } from './stepView.js';
import { padTo, truncate } from './text.js';
import { useTheme, type Role } from './theme.js';

/** Rows already fitted to the width; padded with blank rows to `height` so the frame never jumps. */
export function Rows({ rows, height }: { rows: Row[]; height?: number }): React.JSX.Element {
  const theme = useTheme();
  const filled: Row[] = height === undefined ? rows : [...rows.slice(0, height), ...Array.from({ length: Math.max(0, height - rows.length) }, () => ({ text: '' }))];
  return (
    <Box flexDirection="column">
      {filled.map((row, i) => (
        <Text key={i} {...(row.role ? theme.style(row.role) : {})}>
          {row.text === '' ? ' ' : row.text}
        </Text>
      ))}
    </Box>
  );
}

/** One row: plain text cut to the width, with an optional role. */
export function Line({ text, width, role }: { text: string; width: number; role?: Role }): React.JSX.Element {
  const theme = useTheme();
  const cut = truncate(text, width);
  return <Text {...(role ? theme.style(role) : {})}>{cut === '' ? ' ' : cut}</Text>;
}

/** A spinner followed by what we wait for. */
export function Activity({ text, width, suffix }: { text: string; width: number; suffix?: string }): React.JSX.Element {
  const theme = useTheme();
  const tail = suffix ? `  (${suffix})` : '';
  return (
    <Box>
      <Text {...theme.style('accent')}>
        <Spinner type="dots" />
      </Text>
      <Text>{' ' + truncate(text + tail, Math.max(1, width - 2))}</Text>
    </Box>
  );
}

/** Backend and context, namespace, language, and (on the step screen) lesson and step n/m. */
export function statusText(snapshot: EngineSnapshot | undefined, lang: Lang, showPosition = true): string {
  const m = messages(lang);
  const parts: string[] = [];
  if (snapshot) {
    const { cluster } = snapshot;
    // A long context name must not push the lesson and step off the bar.
    parts.push(cluster.backend === 'practice' ? m.statusPractice : m.statusKube(truncate(cluster.context, 28)));
    parts.push(m.statusNamespace(snapshot.namespace));
  }
  parts.push(m.langName);
  // Issue 16 item 5: the learner must not believe progress is kept when it is not.
  if (snapshot?.progressSaved === false) parts.push(m.statusNotSaved);
  if (snapshot && showPosition) {
    parts.push(`${lessonPosition(snapshot, m)} ${m.stepOf(snapshot.stepIndex + 1, snapshot.lesson.steps.length)}`);
  }
  return ' ' + parts.join(' │ ');
}

/** The inverse status bar across the full width. */
export function StatusBar({ text, width }: { text: string; width: number }): React.JSX.Element {
  const theme = useTheme();
  return <Text {...theme.style('status')}>{padTo(text, width)}</Text>;
}
