// The interactive drill screen: renders a drill attempt's snapshot; the keys drive the attempt
// (Enter verify, h hint, q give up or leave). The attempt (src/drill/session.ts) owns the effects.

import { Box, render, useApp, useInput, useStdin } from 'ink';
import React, { useEffect, useRef, useState } from 'react';
import type { DrillSnapshot } from '../drill/session.js';
import type { Lang } from '../lesson/model.js';
import { buildDrillRows, drillKeys } from './drillView.js';
import { messages } from './messages.js';
import { Line, Rows, StatusBar } from './frame.js';
import { useTerminalSize } from './hooks.js';
import { createTheme, noColorRequested, ThemeContext } from './theme.js';

/** What the screen needs of a drill attempt (DrillSession has it). */
export interface DrillController {
  snapshot(): DrillSnapshot;
  subscribe(listener: () => void): () => void;
  start(): Promise<void>;
  verify(): Promise<void>;
  hint(): void;
  quit(): Promise<void>;
}

export interface DrillScreenProps {
  session: DrillController;
  lang: Lang;
  kubeconfig?: string;
  context: string;
  namespace: string;
  plain?: boolean;
  /** Called once when the learner has left (after the cleanup). */
  onExit(code: number): void;
  /** Inside the tutorial (its drill menu): leaving returns to the menu instead of ending the program. */
  embedded?: boolean;
}

function useDrillSnapshot(session: DrillController): DrillSnapshot {
  const [snapshot, setSnapshot] = useState(() => session.snapshot());
  useEffect(() => {
    setSnapshot(session.snapshot());
    return session.subscribe(() => setSnapshot(session.snapshot()));
  }, [session]);
  return snapshot;
}

export function DrillScreen(props: DrillScreenProps): React.JSX.Element {
  const { session, lang } = props;
  const snapshot = useDrillSnapshot(session);
  const { columns, rows: height } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const { exit } = useApp();
  const [scroll, setScroll] = useState(0); // rows above the bottom
  const [leaving, setLeaving] = useState(false);
  const width = Math.max(20, columns);

  useEffect(() => {
    void session.start();
  }, [session]);

  const leave = () => {
    if (leaving) return;
    setLeaving(true);
    void session.quit();
  };

  // However the attempt ended (q here, or a signal the CLI passed to the session), leave once.
  const exited = useRef(false);
  useEffect(() => {
    if (snapshot.phase !== 'finished' || exited.current) return;
    exited.current = true;
    props.onExit(snapshot.check?.ok === true ? 0 : 1);
    if (!props.embedded) exit();
  }, [snapshot.phase]);

  useInput(
    (input, key) => {
      if (input === 'q' || key.escape || (key.ctrl && input === 'c')) return leave();
      if (key.return) {
        setScroll(0);
        void session.verify();
      } else if (input === 'h') {
        setScroll(0);
        session.hint();
      } else if (input === 'k' || key.upArrow || key.pageUp) setScroll((s) => s + (key.pageUp ? Math.max(1, height - 4) : 1));
      else if (input === 'j' || key.downArrow || key.pageDown) setScroll((s) => Math.max(0, s - (key.pageDown ? Math.max(1, height - 4) : 1)));
    },
    { isActive: isRawModeSupported === true },
  );

  const all = buildDrillRows({ snapshot, lang, width, kubeconfig: props.kubeconfig, context: props.context, namespace: props.namespace });
  const bodyHeight = Math.max(3, height - 2);
  // The newest rows (hints, the verification) are at the bottom: show the bottom unless scrolled.
  const maxScroll = Math.max(0, all.length - bodyHeight);
  const offset = Math.min(scroll, maxScroll);
  const start = Math.max(0, all.length - bodyHeight - offset);
  const shown = all.slice(start, start + bodyHeight);
  const status = ` ${lang === 'zh' ? '排障演练' : 'drill'} ${snapshot.drill.name} │ ${snapshot.drill.lesson} │ ${lang === 'zh' ? '提示' : 'hints'} ${snapshot.hints}/3`;
  return (
    <ThemeContext.Provider value={createTheme(props.plain ?? noColorRequested())}>
      <Box flexDirection="column">
        <Rows rows={shown} height={bodyHeight} />
        <StatusBar text={status} width={width} />
        <Line text={leaving ? drillKeys({ ...snapshot, phase: 'cleaning' }, lang) : props.embedded && drillKeys(snapshot, lang) === drillKeys({ ...snapshot, phase: 'finished' }, lang) ? messages(lang).drillBack : drillKeys(snapshot, lang)} width={width} role="key" />
      </Box>
    </ThemeContext.Provider>
  );
}

/** Run the drill screen until the learner leaves; resolves with the exit code (0 when fixed). */
export async function runDrillScreen(props: Omit<DrillScreenProps, 'onExit'>): Promise<number> {
  let code = 1;
  const instance = render(React.createElement(DrillScreen, { ...props, onExit: (c: number) => (code = c) }), { exitOnCtrlC: false });
  await instance.waitUntilExit();
  return code;
}
