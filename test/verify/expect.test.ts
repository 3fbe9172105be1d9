import { describe, expect, it } from 'vitest';
import { checkExecExpectation, parseCurlOutput } from '../../src/verify/index.js';

const ok200 = 'HTTP/1.1 200 OK\r\n\r\n';

describe('checkExecExpectation', () => {
  it('holds when every given field holds', () => {
    expect(checkExecExpectation({ httpStatus: 200 }, parseCurlOutput(ok200, '', 0), ok200)).toEqual({ ok: true });
    expect(checkExecExpectation({ exitCode: 35 }, parseCurlOutput('', 'curl: (35) reset\n', 35), '')).toEqual({ ok: true });
    expect(checkExecExpectation({ outputContains: 'OK' }, parseCurlOutput(ok200, '', 0), ok200)).toEqual({ ok: true });
  });

  it('an exitCode list passes on any of its codes and names them all when none holds', () => {
    const reset = parseCurlOutput('', 'curl: (56) Recv failure: Connection reset by peer\n', 56);
    expect(checkExecExpectation({ exitCode: [35, 56] }, reset, '')).toEqual({ ok: true });
    expect(checkExecExpectation({ exitCode: [35, 56] }, parseCurlOutput('', 'curl: (7) x\n', 7), '').mismatch).toBe('exit code 7, expected 35 or 56');
    expect(checkExecExpectation({ exitCode: [35, 56] }, parseCurlOutput('', '', 7), '', 'zh').mismatch).toBe('退出码 7，预期 35 或 56');
  });

  it('says what did not hold, in either language', () => {
    expect(checkExecExpectation({ httpStatus: 200 }, parseCurlOutput('HTTP/1.1 503 X\r\n\r\n', '', 0), '').mismatch).toBe('HTTP 503, expected HTTP 200');
    expect(checkExecExpectation({ httpStatus: 200 }, parseCurlOutput('', 'curl: (6) x\n', 6), '').mismatch).toBe('no HTTP response (exit 6), expected HTTP 200');
    expect(checkExecExpectation({}, parseCurlOutput('', '', 7), '').mismatch).toBe('exit code 7, expected 0');
    expect(checkExecExpectation({ outputContains: 'origin' }, parseCurlOutput(ok200, '', 0), ok200, 'zh').mismatch).toBe('输出中没有“origin”');
  });
});
