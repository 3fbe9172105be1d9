// Integration: `run --trace` prints each verification's request path, in the CLI in-process
// against the practice cluster. The lines asserted on are the stable ones (no times, ports, ids).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { memoryIO } from './io.js';

const state = mkdtempSync(join(tmpdir(), 'run-trace-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

/** The trace printed under one step (from its `-- [n/m] id` line to the next step's). */
function section(text: string, stepId: string): string {
  const start = text.indexOf(`] ${stepId} (`);
  expect(start, `step ${stepId} in the output`).toBeGreaterThan(-1);
  const end = text.indexOf('\n-- [', start);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('run --trace', () => {
  it('lesson 4: the direct request bypasses the gateway, the tagged one crosses it, hop by hop', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'en') });
    const code = await runCli(['run', '04-http-egress-gateway', '--yes', '--practice', '--trace'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');

    const direct = section(text, 'curl-service-entry');
    expect(direct).toContain('    Request trace · HTTP · httpbin.org');
    expect(direct).toMatch(/\n    ● 2\/4 client sidecar curl-[a-z0-9-]+ · seen\n/);
    expect(direct).toContain('    ┆   cluster outbound|80||httpbin.org');
    expect(direct).toContain('    ┆   decided by ServiceEntry cnn resolution DNS');
    expect(direct).toContain('    ○ 3/4 egress gateway · no evidence: the request bypassed the egress gateway');
    expect(direct).toMatch(/\n    ● 4\/4 httpbin\.org \(external host\) · seen: [\d.]+:80 answered 200$/);

    const through = section(text, 'curl-gateway');
    expect(through).toMatch(/Request trace · HTTP · httpbin\.org · joined by x-request-id\s+egress-tutorial-[0-9a-f-]+/);
    expect(through).toContain('    │   decided by VirtualService direct-cnn-through-egress-gateway http[0]');
    expect(through).toContain('    │              DestinationRule egressgateway-for-cnn subset cnn');
    expect(through).toMatch(/\n    ● 3\/4 egress gateway istio-egressgateway-[a-z0-9-]+ · seen\n/);
    expect(through).toContain('    │   cluster outbound|80||httpbin.org');
    expect(through).toContain('    │   decided by Gateway istio-egressgateway server 80/HTTP');
    expect(through).toContain('    │              VirtualService direct-cnn-through-egress-gateway http[1]');
    expect(through).toContain('    │              ServiceEntry cnn resolution DNS');
    expect(through).toMatch(/│   HTTP 200 via_upstream · flags - · 0 B in, \d+ B out · \d+ ms · route -/);
    // The logs step traces the request it proved.
    expect(section(text, 'gateway-log')).toMatch(/● 3\/4 egress gateway istio-egressgateway-[a-z0-9-]+ · seen/);
    // Non-verification steps print no trace.
    expect(section(text, 'service-entry')).not.toContain('Request trace');
  }, 90_000);

  it('lesson 5 in Chinese: TLS passthrough joined by the source address and SNI', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'zh') });
    const code = await runCli(['run', '05-https-passthrough', '--yes', '--practice', '--trace', '--lang', 'zh'], io);
    expect(code).toBe(0);
    const through = section(io.stdout.join('\n'), 'curl-gateway');
    expect(through).toContain('    请求追踪 · TLS 透传 · www.baidu.com · 按 sidecar 的源地址和 SNI 关联');
    expect(through).toContain('    │   决定者 Gateway istio-egressgateway server 443/TLS PASSTHROUGH');
    expect(through).toMatch(/● 4\/4 www\.baidu\.com \(外部主机\) · 已看到：已连接 [\d.]+:443/);
  }, 90_000);

  it('--trace belongs to run', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'usage') });
    expect(await runCli(['check', '--practice', '--trace'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--trace belongs to `egress-tutorial run`/);
  });
});
