// Driving ink-testing-library: one key per write, then poll the frame (it updates after a tick).

import { render } from 'ink-testing-library';
import React from 'react';
import { App, type AppProps } from '../../src/ui/App.js';
import type { Renderer } from '../../src/ui/markdown.js';
import { FakeEngine } from './fakeEngine.js';

export const KEY = {
  enter: '\r',
  esc: '\x1b',
  left: '\x1b[D',
  up: '\x1b[A',
  down: '\x1b[B',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  ctrlC: '\x03',
};

/** A renderer without ANSI: the frames stay readable and the tests do not wait for highlight.js. */
export const plainRenderer: Renderer = { markdown: (s) => s.replace(/\*\*/g, ''), yaml: (s) => s.replace(/\n+$/, '') };

export async function waitFor(check: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Harness {
  frame(): string;
  press(key: string): Promise<void>;
  waitForText(text: string): Promise<string>;
  waitForNoText(text: string): Promise<string>;
  resize(columns: number, rows: number): void;
  unmount(): void;
  exitCodes: number[];
}

export function renderApp(props: Partial<AppProps> & { engine?: FakeEngine; columns?: number; rows?: number } = {}): Harness {
  const exitCodes: number[] = [];
  const engine = props.engine;
  const appProps: AppProps = {
    lang: 'en',
    preferPractice: false,
    connect: async () => {
      if (!engine) throw new Error('no engine');
      return engine;
    },
    warnings: [],
    describeTarget: 'context kind-test (https://127.0.0.1:6443)',
    plain: true,
    loadRenderer: async () => plainRenderer,
    onExit: (code) => exitCodes.push(code),
    ...props,
  };
  const instance = render(React.createElement(App, appProps));
  const harness: Harness = {
    frame: () => instance.lastFrame() ?? '',
    press: async (key) => {
      const before = instance.frames.length;
      instance.stdin.write(key);
      // Most keys re-render: wait (bounded) for the next frame so the following key sees the new
      // screen. Keys that change nothing produce no frame; the bound lets the test go on.
      const deadline = Date.now() + 300;
      while (instance.frames.length <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    },
    waitForText: async (text) => {
      await waitFor(() => harness.frame().includes(text), `"${text}" in frame:\n${harness.frame()}`);
      return harness.frame();
    },
    waitForNoText: async (text) => {
      await waitFor(() => !harness.frame().includes(text), `"${text}" to go from frame:\n${harness.frame()}`);
      return harness.frame();
    },
    resize: (columns, rows) => {
      Object.defineProperty(instance.stdout, 'columns', { value: columns, configurable: true });
      Object.defineProperty(instance.stdout, 'rows', { value: rows, configurable: true });
      instance.stdout.emit('resize');
    },
    unmount: () => instance.unmount(),
    exitCodes,
  };
  if (props.columns || props.rows) harness.resize(props.columns ?? 100, props.rows ?? 24);
  return harness;
}
