// curl's command line and output, as curl 8 prints them.
import { describe, expect, it } from 'vitest';
import { parseCurlArgs } from '../../src/mesh/curlArgs.js';
import { parseCurlUrl } from '../../src/mesh/url.js';
import { baseState, CLIENT, logsOf, run, SE_HTTPBIN } from './fixtures.js';

const state = () => baseState({ objects: [SE_HTTPBIN] });

describe('argument parsing', () => {
  it('combined short flags and attached values', () => {
    const r = parseCurlArgs(['-sSL', '-o/dev/null', '-D', '-', '-sSI', 'http://x.org']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.options).toMatchObject({ silent: true, showError: true, location: true, head: true, output: '/dev/null', dumpHeader: '-', urls: ['http://x.org'] });
  });

  it('a value-taking short flag at the end of a group takes the next word', () => {
    const r = parseCurlArgs(['-so', '/dev/null', 'x.org']);
    expect(r.ok && r.options.output).toBe('/dev/null');
  });

  it('repeatable -H, -A, -X, --max-time, -w', () => {
    const r = parseCurlArgs(['-H', 'a: 1', '--header', 'b: 2', '-A', 'ua', '-X', 'PUT', '--max-time', '2.5', '-w', '%{http_code}', 'x.org']);
    expect(r.ok && r.options).toMatchObject({ headers: ['a: 1', 'b: 2'], userAgent: 'ua', method: 'PUT', maxTimeSec: 2.5, writeOut: '%{http_code}' });
  });

  it('unknown options fail like curl, exit 2', () => {
    expect(parseCurlArgs(['--bogus', 'x.org'])).toEqual({ ok: false, exitCode: 2, stderr: "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n" });
    expect(parseCurlArgs(['-sZ', 'x.org'])).toMatchObject({ ok: false, exitCode: 2, stderr: expect.stringContaining('curl: option -Z: is unknown') });
  });

  it('a missing value or URL is a usage error', () => {
    expect(parseCurlArgs(['x.org', '-o'])).toMatchObject({ ok: false, exitCode: 2, stderr: expect.stringContaining('curl: option -o: requires parameter') });
    expect(parseCurlArgs(['-s'])).toMatchObject({ ok: false, exitCode: 2, stderr: expect.stringContaining('curl: no URL specified') });
    expect(parseCurlArgs(['--max-time', 'soon', 'x.org'])).toMatchObject({ ok: false, stderr: expect.stringContaining('expected a proper numerical parameter') });
  });
});

describe('URLs', () => {
  it('with and without scheme, ports, paths and bare queries', () => {
    expect(parseCurlUrl('https://www.baidu.com?q=1')).toMatchObject({ scheme: 'https', host: 'www.baidu.com', port: 443, pathAndQuery: '/?q=1' });
    expect(parseCurlUrl('httpbin.org/headers')).toMatchObject({ scheme: 'http', host: 'httpbin.org', port: 80, pathAndQuery: '/headers' });
    expect(parseCurlUrl('http://HTTPBIN.org:8080')).toMatchObject({ host: 'httpbin.org', port: 8080, pathAndQuery: '/', explicitPort: true });
    expect(parseCurlUrl('ftp2://x.org')).toEqual({ code: 1, message: 'Protocol "ftp2" not supported' });
    expect(parseCurlUrl('http://bad_host!/')).toMatchObject({ code: 3 });
  });
});

describe('output', () => {
  it('plain curl prints the body and the progress meter on stderr', () => {
    const r = run(state(), ['curl', 'http://httpbin.org/ip']);
    expect(JSON.parse(r.stdout)).toEqual({ origin: '203.0.113.10' });
    expect(r.stderr).toContain('% Total    % Received');
  });

  it('-s hides errors, -sS shows them; the exit code is curl\'s', () => {
    const silent = run(state(), ['curl', '-s', 'http://nonexistent.example.invalid/']);
    expect(silent).toMatchObject({ exitCode: 6, stderr: '', stdout: '' });
    const shown = run(state(), ['curl', '-sS', 'http://no-such-host.invalid/']);
    expect(shown.stderr).toBe('curl: (6) Could not resolve host: no-such-host.invalid\n');
    expect(shown.accessLog).toEqual([]);
  });

  it('-I sends HEAD and prints the head only', () => {
    const r = run(state(), ['curl', '-sSI', 'http://httpbin.org/get']);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
    expect(r.stdout).not.toContain('"args"');
    expect(logsOf(r, CLIENT.name)[0]).toContain('"HEAD /get HTTP/1.1" 200');
  });

  it('-i includes the head before the body', () => {
    const r = run(state(), ['curl', '-si', 'http://httpbin.org/status/418']);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 418 I'M A TEAPOT\r\n/);
  });

  it('-w write-out variables and escapes', () => {
    const r = run(state(), ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code} %{remote_ip}:%{remote_port} %{num_redirects} %{scheme}\\n', 'http://httpbin.org/status/503']);
    expect(r.stdout).toBe('503 44.207.188.95:80 0 HTTP\n');
    const failed = run(state(), ['curl', '-s', '-w', '%{http_code}|%{exitcode}', 'http://x.invalid/']);
    expect(failed.stdout).toBe('000|6');
  });

  it('-f turns HTTP errors into exit 22', () => {
    const r = run(state(), ['curl', '-sSf', 'http://httpbin.org/status/404']);
    expect(r.exitCode).toBe(22);
    expect(r.stderr).toBe('curl: (22) The requested URL returned error: 404\n');
  });

  it('-L follows redirects and -D - dumps every head', () => {
    const r = run(state(), ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/redirect/2']);
    expect(r.stdout.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 302', 'HTTP/1.1 302', 'HTTP/1.1 200']);
    expect(r.accessLog).toHaveLength(3);
  });

  it('-v prints a trace on stderr with > and < lines', () => {
    const r = run(state(), ['curl', '-v', '-o', '/dev/null', '-H', 'x-request-id: trace-1', 'http://httpbin.org/headers']);
    expect(r.stderr).toContain('*   Trying 44.207.188.95:80...\n');
    expect(r.stderr).toContain('> GET /headers HTTP/1.1\n> Host: httpbin.org\n> User-Agent: curl/8.16.0\n> Accept: */*\n> x-request-id: trace-1\n');
    expect(r.stderr).toContain('< HTTP/1.1 200 OK\n');
    expect(r.stderr).toContain('< server: envoy\n');
    expect(logsOf(r, CLIENT.name)[0]).toContain('"trace-1"');
  });

  it('-A sets the user agent seen in the log line', () => {
    const r = run(state(), ['curl', '-s', '-A', 'lesson/1', '-o', '/dev/null', 'http://httpbin.org/get']);
    expect(logsOf(r, CLIENT.name)[0]).toContain('"lesson/1"');
  });

  it('--max-time against a slow endpoint: curl 28', () => {
    const r = run(state(), ['curl', '-sS', '--max-time', '1', 'http://httpbin.org/delay/3']);
    expect(r.exitCode).toBe(28);
    expect(r.stderr).toMatch(/^curl: \(28\) Operation timed out after 100\d milliseconds with 0 bytes received\n$/);
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 0 DC downstream_remote_disconnect ');
  });

  it('without a sidecar: connection refused is curl 7, a dropped port without --max-time too', () => {
    const noSidecar = { pod: { ...CLIENT, hasSidecar: false } };
    const refused = run(state(), ['curl', '-sS', 'http://localhost:8080/'], noSidecar);
    expect(refused.exitCode).toBe(7);
    expect(refused.stderr).toMatch(/^curl: \(7\) Failed to connect to localhost port 8080 after \d+ ms: Couldn't connect to server\n$/);
    const dropped = run(state(), ['curl', '-sS', '--connect-timeout', '2', 'http://httpbin.org:81/'], noSidecar);
    expect(dropped.exitCode).toBe(28);
    expect(dropped.stderr).toMatch(/Failed to connect to httpbin\.org port 81 after 200\d ms: Timeout was reached/);
  });

  it('plain HTTP to a port that resets: curl 56', () => {
    // REGISTRY_ONLY blackholes everything; over HTTP to the gateway's TLS port the gateway resets.
    const r = run(baseState({ objects: [{ kind: 'Gateway', namespace: 'istio-system', name: 'tls', spec: { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['*'], tls: { mode: 'PASSTHROUGH' } }] } }] }),
      ['curl', '-sS', 'http://istio-egressgateway.istio-system:443/'], { pod: { ...CLIENT, hasSidecar: false } });
    expect(r.exitCode).toBe(56);
    expect(r.stderr).toBe('curl: (56) Recv failure: Connection reset by peer\n');
  });

  it('HTTPS to a plain-HTTP port: wrong version number (35)', () => {
    const r = run(state(), ['curl', '-sS', 'https://httpbin.org:80/'], { pod: { ...CLIENT, hasSidecar: false } });
    expect(r.exitCode).toBe(35);
    expect(r.stderr).toBe('curl: (35) OpenSSL/3.5.4: error:0A00010B:SSL routines::wrong version number\n');
  });

  it('-d posts a body', () => {
    const r = run(state(), ['curl', '-s', '-d', 'a=1', 'http://httpbin.org/post']);
    expect(JSON.parse(r.stdout)).toMatchObject({ data: 'a=1', method: 'POST' });
  });
});

describe('curl --version and --help', () => {
  it('print and exit 0 without a URL', () => {
    expect(run(state(), ['curl', '--version'])).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^curl 8\.16\.0 /) });
    expect(run(state(), ['curl', '-V']).stdout).toContain('Features: ');
    expect(run(state(), ['curl', '--help'])).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^Usage: curl \[options\.\.\.\] <url>\n/) });
  });
});

describe('-u and -e', () => {
  it('send Authorization and Referer as curl does', () => {
    const r = run(state(), ['curl', '-s', '-u', 'learner:secret', '-e', 'http://lesson/', 'http://httpbin.org/headers']);
    const headers = JSON.parse(r.stdout).headers;
    expect(headers.Authorization).toBe(`Basic ${Buffer.from('learner:secret').toString('base64')}`);
    expect(headers.Referer).toBe('http://lesson/');
  });
});

describe('addresses', () => {
  it('an unused private address times out; a public IP literal answers', () => {
    const noSidecar = { pod: { ...CLIENT, hasSidecar: false } };
    expect(run(state(), ['curl', '-sS', '-m', '2', 'http://10.1.2.3/'], noSidecar).exitCode).toBe(28);
    expect(run(state(), ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://44.207.188.95/'], noSidecar).stdout).toBe('200');
  });
});
