import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { findPackageRoot, packageRoot } from '../../src/schema/paths.js';

describe('packageRoot', () => {
  it('finds the folder holding package.json, lessons/ and assets/istio/crds.json', () => {
    const root = packageRoot();
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(existsSync(join(root, 'assets', 'istio', 'crds.json'))).toBe(true);
  });

  it('walks up from a nested folder (as from dist/) and ignores other packages', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'et-root-'));
    try {
      writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'egress-tutorial' }));
      const inner = join(tmp, 'node_modules', 'other');
      mkdirSync(join(inner, 'dist'), { recursive: true });
      writeFileSync(join(inner, 'package.json'), JSON.stringify({ name: 'other' }));
      expect(findPackageRoot(join(inner, 'dist'))).toBe(tmp);
      expect(findPackageRoot(join(tmp, 'dist'))).toBe(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
