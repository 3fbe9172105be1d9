// Finds the package root (the folder holding package.json, lessons/ and assets/), so data files
// resolve the same way from src/ under vitest and from the single bundle in dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'egress-tutorial';
let cached: string | undefined;

function isPackageRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** Walks up from `start` (default: this module's folder) to the egress-tutorial package root. */
export function findPackageRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (isPackageRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The egress-tutorial package root; throws one clear sentence when the install is broken. */
export function packageRoot(): string {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const found = findPackageRoot(here);
  if (!found) {
    throw new Error(
      `Cannot find the egress-tutorial package folder above ${here} (no package.json named "${PACKAGE_NAME}"); reinstall the package.`,
    );
  }
  cached = found;
  return found;
}
