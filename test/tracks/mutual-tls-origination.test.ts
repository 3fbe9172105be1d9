// Lesson 21 (issue 15, track 2, mutual TLS origination) on the practice cluster, walked headless to
// exit 0 in both languages and gateway modes: no certificate → 400 from the server, the Secret in the
// gateway's namespace with MUTUAL → the server verified the client, another CA → 400, the fix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { memoryIO } from '../cli/io.js';

const state = mkdtempSync(join(tmpdir(), 'track-mtls-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run 21-mutual-tls-origination --practice', () => {
  it.each([
    ['zh', 'shared', 'istio-system'],
    ['en', 'own', 'default'],
  ] as const)('walks to exit 0 (%s, %s gateway: the Secret goes to %s)', async (lang, gateway, secretNamespace) => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, `${lang}-${gateway}`) });
    const code = await runCli(['run', '--yes', '--practice', '21-mutual-tls-origination', '--gateway', gateway, '--lang', lang], io);
    const text = io.stdout.join('\n');
    expect(io.stderr, text).toEqual([]);
    expect(code).toBe(0);
    expect(text).toContain('== 21-mutual-tls-origination');
    expect(text).toContain('<title>400 No required SSL certificate was sent</title>');
    expect(text).toContain('|   "ssl_client_verify": "SUCCESS",');
    expect(text).toContain('|   "ssl_client_s_dn": "CN=client.example.com,O=client organization",');
    expect(text).toContain('<center>The SSL certificate error</center>');
    expect(text).toContain(`$ kubectl delete secret client-credential-default -n ${secretNamespace}`);
    const proof = /▶ PROOF (\S+): (.*)/.exec(text)!;
    expect(proof[1]).toMatch(gateway === 'own' ? /^egressgateway-/ : /^istio-egressgateway-/);
    expect(proof[2]).toMatch(/"GET \/get HTTP\/2" 200 .* outbound\|443\|\|mtls\.example\.com .* mtls\.example\.com -$/);
  }, 120_000);
});
