// `class status --watch`: refreshes the class table every few seconds with the function the CLI
// hands in (one list call each time), until q or Ctrl+C.

import { render, useApp, useInput, useStdin, useStdout } from 'ink';
import React, { useEffect, useState } from 'react';
import type { Lang } from '../../lesson/model.js';
import { classMessages } from '../messages.js';
import { statusCells, type LearnerStatus, type StatusCells } from '../status.js';
import { StatusScreen } from './StatusScreen.js';

export const REFRESH_MS = 3000;

export interface WatchProps {
  fetch: (signal?: AbortSignal) => Promise<LearnerStatus[]>;
  lessonIds: string[];
  lang: Lang;
  title: string;
  refreshMs?: number;
  now?: () => number;
}

/** The latest rows (re-read every refreshMs; a failed read keeps the last rows and says why). */
export function useClassStatus(props: WatchProps): { cells?: StatusCells[]; updatedAt?: number; error?: string } {
  const [state, setState] = useState<{ cells?: StatusCells[]; updatedAt?: number; error?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const now = props.now ?? Date.now;
    const tick = async (): Promise<void> => {
      try {
        const rows = await props.fetch(controller.signal);
        if (controller.signal.aborted) return;
        setState({ cells: statusCells(rows, props.lessonIds, now(), classMessages(props.lang)), updatedAt: now() });
      } catch (err) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void tick(), props.refreshMs ?? REFRESH_MS);
    };
    void tick();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [props.fetch, props.lessonIds, props.lang, props.refreshMs]);
  return state;
}

export function ClassWatch(props: WatchProps): React.ReactElement {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  const state = useClassStatus(props);
  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) exit();
    },
    { isActive: isRawModeSupported === true },
  );
  return <StatusScreen lang={props.lang} title={props.title} cells={state.cells} updatedAt={state.updatedAt} error={state.error} rows={stdout.rows || 24} columns={stdout.columns || 80} />;
}

/** Run the live screen until q / Ctrl+C (0) or a signal (130/143). Call only on a terminal. */
export async function runClassWatch(options: WatchProps & { onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void }): Promise<number> {
  const instance = render(<ClassWatch {...options} />, { exitOnCtrlC: false });
  let code = 0;
  const off = options.onSignal((signal) => {
    code = signal === 'SIGINT' ? 130 : 143;
    instance.unmount();
  });
  try {
    await instance.waitUntilExit();
  } finally {
    off();
  }
  return code;
}
