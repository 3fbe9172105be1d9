import { describe, expect, it } from 'vitest';
import { describeCurl, parseCurlOutput } from '../../src/verify/index.js';

describe('parseCurlOutput', () => {
  it('reads the status and server of a -D - head', () => {
    const out = parseCurlOutput('HTTP/1.1 200 OK\r\ndate: Tue\r\ncontent-type: application/json\r\nserver: envoy\r\n\r\n', '', 0);
    expect(out.httpStatus).toBe(200);
    expect(out.server).toBe('envoy');
    expect(out.headers['content-type']).toBe('application/json');
    expect(out.curlError).toBeUndefined();
  });

  it('takes the last head after redirects', () => {
    const out = parseCurlOutput('HTTP/1.1 301 Moved Permanently\r\nlocation: https://x/\r\nserver: a\r\n\r\nHTTP/2 200 \r\nserver: b\r\n\r\n', '', 0);
    expect(out.statuses).toEqual([301, 200]);
    expect(out.httpStatus).toBe(200);
    expect(out.server).toBe('b');
  });

  it('reads curl errors with their code', () => {
    const out = parseCurlOutput('', 'curl: (6) Could not resolve host: nope.example\n', 6);
    expect(out.httpStatus).toBeUndefined();
    expect(out.curlError).toEqual({ code: 6, message: 'Could not resolve host: nope.example' });
    expect(describeCurl(out)).toBe('curl exit 6');
  });

  it('keeps the exit code when curl was silent', () => {
    const out = parseCurlOutput('', '', 35);
    expect(out.curlError?.code).toBe(35);
  });

  it('falls back to -v traces on stderr', () => {
    const out = parseCurlOutput('', '* Connected\n> GET / HTTP/1.1\n< HTTP/1.1 404 Not Found\n< server: envoy\n<\n', 0);
    expect(out.httpStatus).toBe(404);
    expect(out.server).toBe('envoy');
  });

  it('reads a -w %{http_code} write-out', () => {
    expect(parseCurlOutput('503', '', 0).httpStatus).toBe(503);
  });
});
