// The live class table (`class status --watch`): renders rows it is given, nothing else — the
// refreshing lives in useClassStatus, the cluster calls in the function the CLI hands it.

import { Box, Text } from 'ink';
import React from 'react';
import stringWidth from 'string-width';
import type { Lang } from '../../lesson/model.js';
import { classMessages } from '../messages.js';
import type { StatusCells } from '../status.js';

export interface StatusScreenProps {
  lang: Lang;
  title: string;
  cells: StatusCells[] | undefined; // undefined: the first answer has not come yet
  updatedAt?: number;
  error?: string;
  rows: number; // terminal height: the table never grows taller than the screen
  columns: number;
}

const COLOUR: Record<StatusCells['standing'], string | undefined> = { failing: 'red', idle: 'yellow', 'not-started': 'yellow', working: undefined, done: 'green' };

const fit = (text: string, width: number): string => {
  if (stringWidth(text) <= width) return text + ' '.repeat(width - stringWidth(text));
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - stringWidth(out)))}`;
};

export function StatusScreen(props: StatusScreenProps): React.ReactElement {
  const m = classMessages(props.lang);
  const time = props.updatedAt ? new Date(props.updatedAt).toLocaleTimeString(props.lang === 'zh' ? 'zh-CN' : 'en-GB') : '…';
  const cells = props.cells ?? [];
  // The predictions column only once someone has answered one: the last failure needs the room.
  const predicted = cells.some((c) => c.predictions !== '-');
  const columns = (c: string[]) => (predicted ? c : [...c.slice(0, 5), ...c.slice(6)]);
  const headers = columns([...m.headers]);
  const fixedCount = headers.length - 1;
  const widths = Array.from({ length: fixedCount }, (_, i) =>
    Math.max(stringWidth(headers[i]), ...cells.map((c) => stringWidth(columns([c.namespace, c.where, c.passed, c.result, c.idle, c.predictions])[i]))),
  );
  const fixed = widths.reduce((a, b) => a + b + 2, 0);
  const last = Math.max(10, props.columns - fixed - 1);
  const room = Math.max(1, props.rows - 5); // title, header, summary, keys, and one spare row
  const shown = cells.slice(0, room);
  const line = (parts: string[]) => parts.map((p, i) => fit(p, i < fixedCount ? widths[i] : last)).join('  ');
  return (
    <Box flexDirection="column">
      <Text bold>{m.watchTitle(props.title, time)}</Text>
      <Text dimColor>{line(headers)}</Text>
      {props.cells === undefined ? <Text>…</Text> : cells.length === 0 ? <Text>{m.noLearners(props.title)}</Text> : null}
      {shown.map((c) => (
        <Text key={c.namespace} color={COLOUR[c.standing]}>
          {line(columns([c.namespace, c.where, c.passed, c.result, c.idle, c.predictions, c.diagnosis]))}
        </Text>
      ))}
      {cells.length > shown.length ? <Text dimColor>{`… +${cells.length - shown.length}`}</Text> : null}
      <Text>{m.summary(cells.length, cells.filter((c) => c.standing === 'done').length, cells.filter((c) => c.standing === 'failing').length)}</Text>
      {props.error ? <Text color="red">{m.watchError(props.error)}</Text> : <Text dimColor>{m.watchKeys}</Text>}
    </Box>
  );
}
