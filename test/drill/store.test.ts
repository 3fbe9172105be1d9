// Drill results beside the lesson progress: per cluster and namespace, merged per drill, cleared
// with the progress (reset).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDrillStore, openProgressStore } from '../../src/progress/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('drill store', () => {
  it('keeps each drill\'s record per cluster and namespace, merges updates, and is cleared with the progress', () => {
    dir = mkdtempSync(join(tmpdir(), 'drill-store-'));
    const a = openDrillStore({ clusterKey: 'practice', namespace: 'default', stateDir: dir });
    const other = openDrillStore({ clusterKey: 'practice', namespace: 'team-b', stateDir: dir });
    a.update('subset-missing', { startedAt: '2026-12-07T01:00:00.000Z', hints: 0 });
    a.update('subset-missing', { hints: 2 });
    expect(a.load()).toEqual({ 'subset-missing': { startedAt: '2026-12-07T01:00:00.000Z', hints: 2 } });
    a.update('subset-missing', { passed: true, seconds: 75, hintsUsed: 2, startedAt: undefined, hints: undefined });
    expect(a.load()['subset-missing']).toEqual({ passed: true, seconds: 75, hintsUsed: 2 });
    expect(other.load()).toEqual({});

    // A file of another cluster (copied by hand) is not taken for this one's.
    writeFileSync(other.file, JSON.stringify({ version: 1, clusterKey: 'elsewhere', namespace: 'team-b', drills: { x: { passed: true } } }));
    expect(other.load()).toEqual({});

    expect(existsSync(a.file)).toBe(true);
    openProgressStore({ clusterKey: 'practice', namespace: 'default', stateDir: dir }).clear();
    expect(existsSync(a.file)).toBe(false);
    expect(a.load()).toEqual({});
  });
});
