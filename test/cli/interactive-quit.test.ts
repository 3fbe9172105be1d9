// Quitting while a connect is in flight: the session that arrives afterwards is closed, not leaked.
import { describe, expect, it, vi } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import type { Session } from '../../src/cli/session.js';

const opened: { resolve(s: Session): void; closed: boolean }[] = [];

vi.mock('../../src/cli/session.js', () => ({
  openSession: () =>
    new Promise<Session>((resolve) => {
      const entry = { closed: false, resolve: (s: Session) => resolve(s) };
      opened.push(entry);
      entry.resolve = (s) => resolve({ ...s, close: async () => void (entry.closed = true) });
    }),
}));

const { interactiveSessions } = await import('../../src/cli/cli.js');
const fakeSession = { engine: { snapshot: () => ({}) } } as unknown as Session;

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('interactive sessions', () => {
  it('a session that finishes opening after quit is closed, and closeAll waits for it', async () => {
    opened.length = 0;
    const sessions = interactiveSessions(parseCli(['--practice'], {}).flags, {});
    const connecting = sessions.connect('practice');
    const outcome = connecting.then(
      () => 'resolved',
      () => 'rejected',
    );
    await until(() => opened.length === 1);
    const closing = sessions.closeAll();
    opened[0].resolve(fakeSession);
    await closing;
    expect(opened[0].closed).toBe(true);
    expect(await outcome).toBe('rejected');
  });

  it('an earlier connect that finishes after a newer one is closed; the newer one stays open', async () => {
    opened.length = 0;
    const sessions = interactiveSessions(parseCli(['--practice'], {}).flags, {});
    const first = sessions.connect('practice').catch(() => 'replaced');
    await until(() => opened.length === 1);
    const second = sessions.connect('kube');
    await until(() => opened.length === 2);
    opened[1].resolve(fakeSession);
    await second;
    opened[0].resolve(fakeSession);
    expect(await first).toBe('replaced');
    expect(opened[0].closed).toBe(true);
    expect(opened[1].closed).toBe(false);
    await sessions.closeAll();
    expect(opened[1].closed).toBe(true);
  });
});
