import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SavedProgress } from '../../src/engine/types.js';
import { openProgressStore, stateDir } from '../../src/progress/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'progress-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sample = (over: Partial<SavedProgress> = {}): SavedProgress => ({
  version: 1,
  clusterKey: 'kube:https://127.0.0.1:6443',
  namespace: 'default',
  lessons: { '01-intro': { done: ['why'], current: 'ways' } },
  position: { lesson: '01-intro', step: 'ways' },
  updatedAt: '2026-11-24T06:00:00.000Z',
  ...over,
});

describe('progress store', () => {
  it('saves and loads, one file per cluster and namespace, mode 0600, no temp files left', () => {
    const a = openProgressStore({ clusterKey: 'kube:https://127.0.0.1:6443', namespace: 'default', stateDir: dir });
    const b = openProgressStore({ clusterKey: 'kube:https://127.0.0.1:6443', namespace: 'other', stateDir: dir });
    expect(a.load()).toBeUndefined();
    a.save(sample());
    b.save(sample({ namespace: 'other', lessons: {} }));
    expect(a.file).not.toBe(b.file);
    expect(a.load()?.lessons['01-intro'].done).toEqual(['why']);
    expect(b.load()?.lessons).toEqual({});
    expect(readdirSync(dir).sort()).toHaveLength(2);
    expect(statSync(a.file).mode & 0o777).toBe(0o600);
    expect(a.warning).toBeUndefined();
  });

  it('stamps its own cluster key and namespace on save', () => {
    const store = openProgressStore({ clusterKey: 'practice', namespace: 'default', stateDir: dir });
    store.save(sample({ clusterKey: 'practice-https://127.0.0.1:1234' }));
    expect(store.load()?.clusterKey).toBe('practice');
  });

  it('sets a corrupt file aside with a warning', () => {
    const store = openProgressStore({ clusterKey: 'k', namespace: 'default', stateDir: dir });
    writeFileSync(store.file, '{ not json');
    expect(store.load()).toBeUndefined();
    expect(store.warning).toMatch(/set aside because it is not valid JSON/);
    const files = readdirSync(dir);
    expect(files.some((f) => f.includes('.corrupt-'))).toBe(true);
    const aside = files.find((f) => f.includes('.corrupt-'))!;
    expect(readFileSync(join(dir, aside), 'utf8')).toBe('{ not json');
    store.save(sample({ clusterKey: 'k' }));
    expect(store.load()?.version).toBe(1);
  });

  it('sets a foreign file aside (another version or cluster)', () => {
    const store = openProgressStore({ clusterKey: 'k', namespace: 'default', stateDir: dir });
    writeFileSync(store.file, JSON.stringify({ ...sample(), version: 7 }));
    expect(store.load()).toBeUndefined();
    expect(store.warning).toMatch(/version is 7/);
    writeFileSync(store.file, JSON.stringify(sample({ clusterKey: 'someone-else' })));
    const again = openProgressStore({ clusterKey: 'k', namespace: 'default', stateDir: dir });
    expect(again.load()).toBeUndefined();
    expect(again.warning).toMatch(/another cluster/);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
  });

  it('clear removes only its own file', () => {
    const store = openProgressStore({ clusterKey: 'k', namespace: 'default', stateDir: dir });
    writeFileSync(join(dir, 'unrelated.txt'), 'keep me');
    store.save(sample({ clusterKey: 'k' }));
    store.clear();
    expect(readdirSync(dir)).toEqual(['unrelated.txt']);
  });

  it('honours XDG_STATE_HOME', () => {
    expect(stateDir({ XDG_STATE_HOME: '/x/state' })).toBe('/x/state/egress-tutorial');
    expect(stateDir({})).toMatch(/egress-tutorial$/);
  });
});

describe('setting aside never overwrites', () => {
  it('two bad files set aside in the same millisecond keep both', () => {
    const d = mkdtempSync(join(tmpdir(), 'progress-aside-'));
    try {
      for (let i = 0; i < 3; i++) {
        const store = openProgressStore({ clusterKey: 'k', namespace: 'default', stateDir: d });
        writeFileSync(store.file, `bad ${i}`);
        expect(store.load()).toBeUndefined();
      }
      const aside = readdirSync(d).filter((f) => f.includes('.corrupt-'));
      expect(aside).toHaveLength(3);
      expect(aside.map((f) => readFileSync(join(d, f), 'utf8')).sort()).toEqual(['bad 0', 'bad 1', 'bad 2']);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
