// The TLS-origination track (issue 15, part 2) on the practice cluster, walked headless to exit 0
// in both languages and gateway modes: plain HTTP in, HTTPS out (the host reports an https URL),
// the gateway's line with the mutual TLS SNI and the upstream on 443, the wrong-SNI 503, the fix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { memoryIO } from '../cli/io.js';

const state = mkdtempSync(join(tmpdir(), 'track-tls-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run --track tls-origination --practice', () => {
  it.each([
    ['en', 'shared'],
    ['zh', 'own'],
  ] as const)('walks to exit 0 (%s, %s gateway)', async (lang, gateway) => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, `${lang}-${gateway}`) });
    const code = await runCli(['run', '--yes', '--practice', '--track', 'tls-origination', '--gateway', gateway, '--lang', lang], io);
    const text = io.stdout.join('\n');
    expect(io.stderr, text).toEqual([]);
    expect(code).toBe(0);
    expect(text).toContain('== 20-tls-origination');
    expect(text).toContain('|   "url": "https://httpbin.org/get"');
    const proof = /▶ PROOF (\S+): (.*)/.exec(text)!;
    expect(proof[1]).toMatch(gateway === 'own' ? /^egressgateway-/ : /^istio-egressgateway-/);
    // HTTP/2 over the sidecar's mutual TLS, upstream 443, and the SNI as the requested server name.
    expect(proof[2]).toMatch(/"GET \/get HTTP\/2" 200 .* outbound\|443\|\|httpbin\.org .* httpbin\.org -$/);
    expect(text).toContain('| HTTP/1.1 503 Service Unavailable');
  }, 120_000);
});
