// Headless `run --yes` never asks the lessons' predictions: lessons 3–5 (which have them) walk to
// exit 0 without input (stdin is no terminal), and print no question.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { memoryIO } from './io.js';

const state = mkdtempSync(join(tmpdir(), 'run-predictions-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run --yes and predictions', () => {
  it('walks the lessons with predictions without asking', async () => {
    const io = memoryIO({ XDG_STATE_HOME: state });
    const code = await runCli(['run', '03-outbound-policy-experiment', '04-http-egress-gateway', '05-https-passthrough', '--yes', '--practice'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).not.toMatch(/what will happen|Predict first|prediction/i);
    expect(text).toMatch(/All \d+ verifications passed\./);
  }, 90_000);
});
