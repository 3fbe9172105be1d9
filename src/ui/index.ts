// Entry of the interactive UI. The CLI imports this module lazily, only on the interactive path;
// marked, client-node and the practice cluster are not imported here (they load after the first frame).

import { render } from 'ink';
import React from 'react';
import type { Engine } from '../engine/types.js';
import type { Lang } from '../lesson/model.js';
import { App, type AppProps, type Backend } from './App.js';
import type { DrillMenu } from './drillMenu.js';
import { RENDER_FPS, type RendererLoader } from './hooks.js';
import { ENTER_ALT_SCREEN, HOME_AND_CLEAR } from './splash.js';

export { App } from './App.js';
export { errorSentence, resumeTarget } from './screens.js';
export type { AppProps, Backend } from './App.js';
export type { DrillMenu, DrillEntry, OpenedDrill } from './drillMenu.js';

export interface InteractiveOptions {
  lang: Lang;
  /** --practice given: connect('practice') at once. */
  preferPractice: boolean;
  /** May reject with a ClusterError (its message is shown as is). */
  connect(backend: Backend): Promise<Engine>;
  /** Shown once at start (e.g. a corrupt progress file set aside). */
  warnings: string[];
  /** e.g. "context kind-istio (https://127.0.0.1:6443)". */
  describeTarget: string;
  /** Loads the Markdown renderer (marked, highlight.js): after the first frame, from the CLI's parts. */
  loadRenderer: RendererLoader;
  /** Called once, just after the first frame has been drawn. */
  onFirstFrame?: () => void;
  /** The drill menu's drills (the lesson list's last entry). */
  drills?: DrillMenu;
}

const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/**
 * Run the full-screen tutorial until the learner quits; resolves with the exit code (0 after a
 * normal quit, 1 after quitting at a connection failure, 130/143 after SIGINT/SIGTERM).
 * Call only when stdin and stdout are TTYs.
 */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const engines: Engine[] = [];
  const disposeAll = () => {
    for (const engine of engines.splice(0)) {
      try {
        engine.dispose();
      } catch {
        // disposing is best effort on the way out
      }
    }
  };
  let exitCode = 0;
  const props: AppProps = {
    ...options,
    connect: async (backend) => {
      const engine = await options.connect(backend);
      engines.push(engine);
      return engine;
    },
    onExit: (code) => {
      exitCode = code;
      engines.length = 0; // the App disposed its engine before calling onExit
    },
  };

  const stdout = process.stdout;
  const useAltScreen = stdout.isTTY === true;
  // Home and clear: the alternate screen keeps the cursor where the shell left it (often the last
  // row), and a splash may be on it; ink draws from the cursor.
  if (useAltScreen) stdout.write(ENTER_ALT_SCREEN + HOME_AND_CLEAR);
  const instance = render(React.createElement(App, props), {
    exitOnCtrlC: false, // the App handles Ctrl+C (raw mode) so it can dispose the engine first
    maxFps: RENDER_FPS,
  });
  options.onFirstFrame?.();

  // Signals (SIGINT arrives only when raw mode is off): stop streams synchronously, then leave.
  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129;
    disposeAll();
    instance.unmount();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const s of signals) process.off(s, onSignal);
    disposeAll();
    if (useAltScreen) stdout.write(LEAVE_ALT_SCREEN);
  }
  return exitCode;
}

// The drill screen (`egress-tutorial drill NAME`): in the UI part, loaded like the tutorial.
export { runDrillScreen, DrillScreen, type DrillController, type DrillScreenProps } from './drill.js';
