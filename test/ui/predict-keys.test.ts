// The prediction's keys: Enter on a verification with an unanswered prediction asks it; 1–n
// answer, Enter skips, Esc or q go back; digits beyond the choices mean nothing.
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { decideKey, type KeyContext } from '../../src/ui/keys.js';

const noKey = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
} as Key;
const k = (patch: Partial<Key>): Key => ({ ...noKey, ...patch });
const ctx = (patch: Partial<KeyContext> = {}): KeyContext => ({
  screen: 'step', overlay: { kind: 'none' }, phase: 'idle', stepKind: 'exec', needsConfirmation: false, visitedStep: true, busy: false, page: 18, ...patch,
});

describe('prediction keys', () => {
  it('Enter asks the prediction first; without one (or answered: no count), Enter runs', () => {
    expect(decideKey(ctx({ predictChoices: 3 }), '', k({ return: true }))).toEqual({ type: 'overlay', overlay: { kind: 'predict' } });
    expect(decideKey(ctx({ predictChoices: 3, phase: 'failed' }), '', k({ return: true }))).toEqual({ type: 'overlay', overlay: { kind: 'predict' } });
    expect(decideKey(ctx(), '', k({ return: true }))).toEqual({ type: 'run' });
  });

  it('1–n answer, Enter skips, Esc and q go back, other keys do nothing', () => {
    const asking = ctx({ predictChoices: 3, overlay: { kind: 'predict' } });
    expect(decideKey(asking, '1', noKey)).toEqual({ type: 'predict', choice: 0 });
    expect(decideKey(asking, '3', noKey)).toEqual({ type: 'predict', choice: 2 });
    expect(decideKey(asking, '4', noKey)).toBeUndefined();
    expect(decideKey(asking, '0', noKey)).toBeUndefined();
    expect(decideKey(asking, '', k({ return: true }))).toEqual({ type: 'predict', choice: null });
    expect(decideKey(asking, '', k({ escape: true }))).toEqual({ type: 'overlay', overlay: { kind: 'none' } });
    expect(decideKey(asking, 'q', noKey)).toEqual({ type: 'overlay', overlay: { kind: 'none' } });
    expect(decideKey(asking, 'y', noKey)).toBeUndefined();
  });
});
