import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { decideKey, type KeyContext } from '../../src/ui/keys.js';

const noKey: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};
const k = (patch: Partial<Key>): Key => ({ ...noKey, ...patch });
const step = (patch: Partial<KeyContext> = {}): KeyContext => ({
  screen: 'step', overlay: { kind: 'none' }, phase: 'idle', stepKind: 'apply', needsConfirmation: true, visitedStep: true, busy: false, page: 19, ...patch,
});

describe('decideKey', () => {
  it('Enter: confirm first for steps that change the cluster, run otherwise, next after a pass', () => {
    expect(decideKey(step(), '', k({ return: true }))).toEqual({ type: 'ask', action: { type: 'run' } });
    expect(decideKey(step({ stepKind: 'exec', needsConfirmation: false }), '', k({ return: true }))).toEqual({ type: 'run' });
    expect(decideKey(step({ phase: 'passed' }), '', k({ return: true }))).toEqual({ type: 'next' });
    expect(decideKey(step({ stepKind: 'explain', needsConfirmation: false }), '', k({ return: true }))).toEqual({ type: 'next' });
    expect(decideKey(step({ phase: 'failed', stepKind: 'exec', needsConfirmation: false }), '', k({ return: true }))).toEqual({ type: 'run' });
    expect(decideKey(step({ phase: 'conflict' }), '', k({ return: true }))).toBeUndefined();
  });

  it('while running only Esc (cancel), scrolling, help and quit work', () => {
    const running = step({ phase: 'running' });
    expect(decideKey(running, '', k({ escape: true }))).toEqual({ type: 'cancel' });
    expect(decideKey(running, '', k({ return: true }))).toBeUndefined();
    expect(decideKey(running, 'b', noKey)).toBeUndefined();
    expect(decideKey(running, 'j', noKey)).toEqual({ type: 'scroll', delta: 1 });
    expect(decideKey(running, 'q', noKey)).toEqual({ type: 'quit' });
    expect(decideKey(running, 'c', k({ ctrl: true }))).toEqual({ type: 'quit', interrupted: true });
  });

  it('Esc stops a log follow that continues after the verdict, and does nothing otherwise', () => {
    expect(decideKey(step({ phase: 'passed', following: true }), '', k({ escape: true }))).toEqual({ type: 'cancel' });
    expect(decideKey(step({ phase: 'passed' }), '', k({ escape: true }))).toBeUndefined();
  });

  it('conflict keys, dry run only on apply steps, f only with a fixable check', () => {
    expect(decideKey(step({ phase: 'conflict' }), 't', noKey)).toEqual({ type: 'ask', action: { type: 'take-over' } });
    expect(decideKey(step({ phase: 'conflict' }), 's', noKey)).toEqual({ type: 'skip-conflict' });
    expect(decideKey(step(), 't', noKey)).toBeUndefined();
    expect(decideKey(step(), 'd', noKey)).toEqual({ type: 'dry-run' });
    expect(decideKey(step({ stepKind: 'exec' }), 'd', noKey)).toBeUndefined();
    expect(decideKey(step({ stepKind: 'check' }), 'f', noKey)).toBeUndefined();
    const fixable = { name: 'access-logging' as const, level: 'fail' as const, summary: 'off', autoFix: { kind: 'apply' as const, objects: [], description: 'x' } };
    expect(decideKey(step({ stepKind: 'check', fixable }), 'f', noKey)).toEqual({ type: 'ask', action: { type: 'fix', check: fixable } });
  });

  it('confirmation overlay: y confirms, n and Esc close, other keys do nothing', () => {
    const ctx = step({ overlay: { kind: 'confirm', action: { type: 'run' } } });
    expect(decideKey(ctx, 'y', noKey)).toEqual({ type: 'confirmed', action: { type: 'run' } });
    expect(decideKey(ctx, 'n', noKey)).toEqual({ type: 'overlay', overlay: { kind: 'none' } });
    expect(decideKey(ctx, '', k({ escape: true }))).toEqual({ type: 'overlay', overlay: { kind: 'none' } });
    expect(decideKey(ctx, '', k({ return: true }))).toBeUndefined();
  });

  it('reset scopes 1–3', () => {
    const ctx = step({ overlay: { kind: 'reset-scope' } });
    expect(decideKey(ctx, '1', noKey)).toEqual({ type: 'ask', action: { type: 'reset', scope: 'lesson' } });
    expect(decideKey(ctx, '2', noKey)).toEqual({ type: 'ask', action: { type: 'reset', scope: 'all' } });
    expect(decideKey(ctx, '3', noKey)).toEqual({ type: 'ask', action: { type: 'reset', scope: 'progress' } });
    expect(decideKey(ctx, '4', noKey)).toBeUndefined();
  });

  it('lesson list: q quits on the landing list, goes back once a step was visited', () => {
    const list = (visitedStep: boolean): KeyContext => ({ ...step(), screen: 'list', visitedStep });
    expect(decideKey(list(false), 'q', noKey)).toEqual({ type: 'quit' });
    expect(decideKey(list(true), 'q', noKey)).toEqual({ type: 'show-step' });
    expect(decideKey(list(true), '', k({ escape: true }))).toEqual({ type: 'show-step' });
    expect(decideKey(list(false), '', k({ return: true }))).toEqual({ type: 'list-open' });
  });

  it('connection failure: p practice, r retry, q quit', () => {
    const failed: KeyContext = { ...step(), screen: 'failed' };
    expect(decideKey(failed, 'p', noKey)).toEqual({ type: 'connect', backend: 'practice' });
    expect(decideKey(failed, 'r', noKey)).toEqual({ type: 'retry-connect' });
    expect(decideKey(failed, 'q', noKey)).toEqual({ type: 'quit' });
  });
});
