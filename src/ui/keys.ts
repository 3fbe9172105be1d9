// What a key press means on each screen: a pure function from (where we are, key) to an intent.
// The App carries intents out against the engine. Keeping this pure keeps the key map testable.

import type { Key } from 'ink';
import type { CheckResult } from '../cluster/port.js';
import type { ResetScope, StepPhase } from '../engine/types.js';
import type { StepKind } from '../lesson/model.js';

export type Screen = 'connecting' | 'failed' | 'resume' | 'list' | 'step' | 'done' | 'drills' | 'drill';

/** Actions that ask y/n first. */
export type ConfirmAction =
  | { type: 'run' }
  | { type: 'take-over' }
  | { type: 'fix'; check: CheckResult }
  | { type: 'reapply' }
  | { type: 'remove-leftovers' }
  | { type: 'explain-fix' }
  | { type: 'reset'; scope: ResetScope };

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help' }
  | { kind: 'confirm'; action: ConfirmAction }
  | { kind: 'reset-scope' }
  | { kind: 'dry-run'; again?: boolean }
  /** The request trace of a verification (t toggles it). */
  | { kind: 'trace' }
  /** An apply step's objects in the other API (v toggles it). */
  | { kind: 'equivalent' }
  /** "What will happen?" before a verification runs (lesson.yaml predict): 1–4 answer, Enter skips. */
  | { kind: 'predict' };

export type Intent =
  | { type: 'quit'; interrupted?: true } // interrupted: Ctrl+C (exit 130, like SIGINT)
  | { type: 'connect'; backend: 'kube' | 'practice' }
  | { type: 'retry-connect' }
  | { type: 'resume' }
  | { type: 'show-list' }
  | { type: 'show-step' }
  | { type: 'list-move'; delta: number }
  | { type: 'list-open' }
  | { type: 'drill-move'; delta: number }
  | { type: 'drill-open' }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'run' }
  /** Answer (0-based choice) or skip (null) the step's prediction, then run the step. */
  | { type: 'predict'; choice: number | null }
  | { type: 'ask'; action: ConfirmAction }
  | { type: 'confirmed'; action: ConfirmAction }
  | { type: 'skip-conflict' }
  | { type: 'dry-run' }
  | { type: 'trace' }
  | { type: 'again' }
  | { type: 'lesson-done' }
  | { type: 'next-lesson' }
  | { type: 'copy' }
  | { type: 'print-commands' }
  | { type: 'cancel' }
  | { type: 'overlay'; overlay: Overlay }
  | { type: 'toggle-lang' }
  | { type: 'scroll'; delta: number }
  | { type: 'scroll-to'; where: 'top' | 'bottom' };

export interface KeyContext {
  screen: Screen;
  overlay: Overlay;
  phase?: StepPhase;
  stepKind?: StepKind;
  /** engine.needsConfirmation() for the current step. */
  needsConfirmation: boolean;
  /** A failing or warning check with an auto-fix, for `f`. */
  fixable?: CheckResult;
  /** The failed verification found tutorial objects changed by someone else (C6): `f` re-applies them. */
  drifted?: boolean;
  /** The failed verification named the tutorial's objects of another lesson in the way: `f` removes them. */
  leftovers?: boolean;
  /** The failed verification's explanation offered a fix (a patch): `f` makes it. */
  explainFix?: boolean;
  /** The learner has been on a step screen, so Esc/q in the list go back to it. */
  visitedStep: boolean;
  /** A reset or dry run the UI started is in flight. */
  busy: boolean;
  /** Rows of the scrolling body (a page). */
  page: number;
  /** Something still runs after the verdict (a logs step keeps following): Esc stops it. */
  following?: boolean;
  /** The current step is the last of its lesson: going on shows the "lesson done" screen first. */
  lastStep?: boolean;
  /** The step's prediction is still to be asked before it runs: how many choices it has. */
  predictChoices?: number;
  /** The step has equivalent commands to copy. */
  hasCommands?: boolean;
  /** The apply step shows its intent in the other API too (lesson.yaml `equivalent:`). */
  hasEquivalent?: boolean;
}

const isQuit = (input: string, key: Key) => key.ctrl && input === 'c';

function scrollIntent(input: string, key: Key, page: number): Intent | undefined {
  if (key.pageDown || input === ' ') return { type: 'scroll', delta: Math.max(1, page - 1) };
  if (key.pageUp) return { type: 'scroll', delta: -Math.max(1, page - 1) };
  if (input === 'j' || key.downArrow) return { type: 'scroll', delta: 1 };
  if (input === 'k' || key.upArrow) return { type: 'scroll', delta: -1 };
  if (key.home || input === 'g') return { type: 'scroll-to', where: 'top' };
  if (key.end || input === 'G') return { type: 'scroll-to', where: 'bottom' };
  return undefined;
}

const resetScopeKeys: Record<string, ResetScope> = { '1': 'lesson', '2': 'all', '3': 'progress' };

function overlayKey(ctx: KeyContext, input: string, key: Key): Intent | undefined {
  const close: Intent = { type: 'overlay', overlay: { kind: 'none' } };
  switch (ctx.overlay.kind) {
    case 'help':
      return close; // any key closes the help
    case 'confirm':
      if (input === 'y' || input === 'Y') return { type: 'confirmed', action: ctx.overlay.action };
      if (input === 'n' || input === 'N' || key.escape || input === 'q') return close;
      return undefined;
    case 'reset-scope': {
      const scope = resetScopeKeys[input];
      if (scope) return { type: 'ask', action: { type: 'reset', scope } };
      if (key.escape || input === 'q' || input === 'n') return close;
      return undefined;
    }
    case 'predict': {
      const n = Number(input);
      if (ctx.predictChoices && Number.isInteger(n) && n >= 1 && n <= ctx.predictChoices) return { type: 'predict', choice: n - 1 };
      if (key.return) return { type: 'predict', choice: null };
      if (key.escape || input === 'q') return close;
      return undefined;
    }
    case 'dry-run':
      // Applying again: the dry run is the question; y (or Enter) applies.
      if (ctx.overlay.again && (input === 'y' || input === 'Y' || key.return)) return { type: 'confirmed', action: { type: 'run' } };
      if (key.escape || input === 'q' || key.return || input === 'd' || (ctx.overlay.again && (input === 'n' || input === 'N'))) return close;
      return scrollIntent(input, key, ctx.page);
    case 'trace':
      if (input === 't' || key.escape || input === 'q') return close;
      // The trace is language-free data: the overlay stays open and is worded again.
      if (input === 'L') return { type: 'toggle-lang' };
      return scrollIntent(input, key, ctx.page);
    case 'equivalent':
      if (input === 'v' || key.escape || input === 'q') return close;
      if (input === 'L') return { type: 'toggle-lang' };
      return scrollIntent(input, key, ctx.page);
    default:
      return undefined;
  }
}

function stepKey(ctx: KeyContext, input: string, key: Key): Intent | undefined {
  const running = ctx.phase === 'running';
  if (key.escape) return running || ctx.following ? { type: 'cancel' } : undefined;
  if (input === 'q') return { type: 'quit' };
  if (input === '?') return { type: 'overlay', overlay: { kind: 'help' } };
  if (input === 'L') return { type: 'toggle-lang' };
  const scroll = scrollIntent(input, key, ctx.page);
  if (scroll) return scroll;
  if (running || ctx.busy) return undefined; // only cancel, quit, help, scroll while working

  const onward: Intent = ctx.lastStep ? { type: 'lesson-done' } : { type: 'next' };
  if (key.return) {
    switch (ctx.phase) {
      case 'passed':
        return onward;
      case 'conflict':
        return undefined; // t or s decide
      default:
        if (ctx.stepKind === 'explain') return onward;
        if (ctx.predictChoices) return { type: 'overlay', overlay: { kind: 'predict' } };
        return ctx.needsConfirmation ? { type: 'ask', action: { type: 'run' } } : { type: 'run' };
    }
  }
  if (key.leftArrow || input === 'b') return { type: 'back' };
  if (key.rightArrow && (ctx.stepKind === 'explain' || ctx.phase === 'passed')) return onward;
  // Again: a passed step runs once more (an apply shows its dry run against the live objects first).
  if (input === 'a' && ctx.phase === 'passed' && ctx.stepKind !== 'explain') return { type: 'again' };
  if (input === 'c' && ctx.hasCommands) return { type: 'copy' };
  if (input === 'C' && ctx.hasCommands) return { type: 'print-commands' };
  if (input === 'l') return { type: 'show-list' };
  if (input === 'r') return { type: 'overlay', overlay: { kind: 'reset-scope' } };
  if (input === 'd' && ctx.stepKind === 'apply') return { type: 'dry-run' };
  if (input === 'v' && ctx.stepKind === 'apply' && ctx.hasEquivalent) return { type: 'overlay', overlay: { kind: 'equivalent' } };
  // A verification's result: t traces its request (an apply conflict's t is take-over: other steps).
  if (input === 't' && (ctx.stepKind === 'exec' || ctx.stepKind === 'logs') && (ctx.phase === 'passed' || ctx.phase === 'failed')) return { type: 'trace' };
  if (ctx.phase === 'conflict') {
    if (input === 't') return { type: 'ask', action: { type: 'take-over' } };
    if (input === 's') return { type: 'skip-conflict' };
  }
  if (input === 'f' && ctx.fixable) return { type: 'ask', action: { type: 'fix', check: ctx.fixable } };
  if (input === 'f' && ctx.drifted && ctx.phase !== 'passed') return { type: 'ask', action: { type: 'reapply' } };
  if (input === 'f' && ctx.leftovers && ctx.phase !== 'passed') return { type: 'ask', action: { type: 'remove-leftovers' } };
  if (input === 'f' && ctx.explainFix && ctx.phase !== 'passed') return { type: 'ask', action: { type: 'explain-fix' } };
  return undefined;
}

/** The intent of a key press, or undefined when the key means nothing here. */
export function decideKey(ctx: KeyContext, input: string, key: Key): Intent | undefined {
  if (isQuit(input, key)) return { type: 'quit', interrupted: true };
  switch (ctx.screen) {
    case 'connecting':
      return input === 'q' ? { type: 'quit' } : undefined;
    case 'failed':
      if (input === 'p') return { type: 'connect', backend: 'practice' };
      if (input === 'r') return { type: 'retry-connect' };
      if (input === 'q' || key.escape) return { type: 'quit' };
      return undefined;
    case 'resume':
      if (input === 'y' || input === 'Y' || key.return) return { type: 'resume' };
      if (input === 'n' || input === 'N' || key.escape) return { type: 'show-list' };
      if (input === 'q') return { type: 'quit' };
      if (input === 'L') return { type: 'toggle-lang' };
      return undefined;
    case 'list':
      if (ctx.overlay.kind === 'help') return { type: 'overlay', overlay: { kind: 'none' } };
      if (key.upArrow || input === 'k') return { type: 'list-move', delta: -1 };
      if (key.downArrow || input === 'j') return { type: 'list-move', delta: 1 };
      if (key.return) return { type: 'list-open' };
      if (key.escape || input === 'q' || input === 'l') {
        if (ctx.visitedStep) return { type: 'show-step' };
        return input === 'q' ? { type: 'quit' } : undefined;
      }
      if (input === 'L') return { type: 'toggle-lang' };
      if (input === '?') return { type: 'overlay', overlay: { kind: 'help' } };
      return undefined;
    case 'step':
      if (ctx.overlay.kind !== 'none') return overlayKey(ctx, input, key);
      return stepKey(ctx, input, key);
    case 'drills':
      // The drill menu (from the lesson list's last entry); Esc goes back to the lessons.
      if (key.upArrow || input === 'k') return { type: 'drill-move', delta: -1 };
      if (key.downArrow || input === 'j') return { type: 'drill-move', delta: 1 };
      if (key.return) return ctx.busy ? undefined : { type: 'drill-open' };
      if (key.escape || key.leftArrow || input === 'b' || input === 'l') return { type: 'show-list' };
      if (input === 'q') return { type: 'quit' };
      if (input === 'L') return { type: 'toggle-lang' };
      return undefined;
    case 'drill':
      return undefined; // the drill screen reads its own keys (q leaves the drill and cleans up)
    case 'done':
      if (key.return || key.rightArrow || input === ' ') return { type: 'next-lesson' };
      if (key.leftArrow || input === 'b' || key.escape) return { type: 'show-step' };
      if (input === 'l') return { type: 'show-list' };
      if (input === 'q') return { type: 'quit' };
      if (input === 'L') return { type: 'toggle-lang' };
      return undefined;
  }
}
