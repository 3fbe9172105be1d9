// React hooks: the engine snapshot (throttled), the terminal size (live), the lazy renderer.

import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { Engine, EngineSnapshot } from '../engine/types.js';
import type { Renderer } from './markdown.js';
import { throttle } from './throttle.js';

export const RENDER_FPS = 15;

/** The engine's snapshot, re-read at most RENDER_FPS times a second after changes. */
export function useEngineSnapshot(engine: Engine | undefined): EngineSnapshot | undefined {
  const [snapshot, setSnapshot] = useState<EngineSnapshot | undefined>(() => engine?.snapshot());
  useEffect(() => {
    if (!engine) return undefined;
    setSnapshot(engine.snapshot());
    const refresh = throttle(() => setSnapshot(engine.snapshot()), Math.round(1000 / RENDER_FPS));
    const unsubscribe = engine.subscribe(refresh);
    return () => {
      unsubscribe();
      refresh.cancel();
    };
  }, [engine]);
  return snapshot;
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

/** Columns and rows of the terminal, updated on resize. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = () => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

export type RendererLoader = () => Promise<Renderer>;

/** The Markdown renderer, loaded after the first frame; undefined until then (plain text shown). */
export function useRenderer(load: RendererLoader): Renderer | undefined {
  const [renderer, setRenderer] = useState<Renderer | undefined>();
  useEffect(() => {
    let live = true;
    // Let the first frame reach the terminal before highlight.js is parsed.
    const timer = setTimeout(() => {
      load().then(
        (r) => live && setRenderer(r),
        () => undefined, // keep showing plain text
      );
    }, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [load]);
  return renderer;
}
