// VirtualService HTTP route actions: direct responses, faults, timeouts, rewrites, header edits.
import { describe, expect, it } from 'vitest';
import { parseDuration, routeActions } from '../../src/mesh/routeActions.js';
import type { IstioObject } from '../../src/mesh/types.js';
import { baseState, CLIENT, logsOf, run, SE_HTTPBIN } from './fixtures.js';

const vsWith = (route: Record<string, unknown>): IstioObject => ({
  kind: 'VirtualService', namespace: 'default', name: 'httpbin',
  spec: { hosts: ['httpbin.org'], http: [{ name: 'main', route: [{ destination: { host: 'httpbin.org' } }], ...route }] },
});
const curl = (route: Record<string, unknown>, url = 'http://httpbin.org/headers', extra: string[] = []) =>
  run(baseState({ objects: [SE_HTTPBIN, vsWith(route)] }), ['curl', '-sS', ...extra, '-D', '-', url]);

describe('route actions', () => {
  it('parses durations and actions', () => {
    expect([parseDuration('5s'), parseDuration('1.5s'), parseDuration('100ms'), parseDuration('2m'), parseDuration('soon')]).toEqual([5000, 1500, 100, 120000, undefined]);
    expect(routeActions({ fault: { abort: { httpStatus: 418 } }, timeout: '2s' })).toMatchObject({ abort: { status: 418, percent: 100 }, timeoutMs: 2000 });
  });

  it('directResponse answers from the sidecar', () => {
    const r = curl({ directResponse: { status: 403, body: { string: 'blocked by policy' } } });
    expect(r.stdout).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(r.stdout.endsWith('blocked by policy')).toBe(true);
    expect(logsOf(r, CLIENT.name)[0]).toMatch(/" 403 - direct_response - .* main$/);
  });

  it('fault abort: FI fault_filter_abort', () => {
    const r = curl({ fault: { abort: { httpStatus: 503, percentage: { value: 100 } } } });
    expect(r.stdout).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(r.stdout.endsWith('fault filter abort')).toBe(true);
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 503 FI fault_filter_abort ');
  });

  it('fault abort at 0% never fires', () => {
    expect(curl({ fault: { abort: { httpStatus: 503, percentage: { value: 0 } } } }).stdout).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('fault delay: DI and a longer duration; beyond --max-time curl gives up (28)', () => {
    const slow = curl({ fault: { delay: { fixedDelay: '2s', percentage: { value: 100 } } } });
    expect(slow.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(logsOf(slow, CLIENT.name)[0]).toMatch(/ 200 DI via_upstream - "-" 0 \d+ 2\d{3} /);
    const gaveUp = curl({ fault: { delay: { fixedDelay: '5s' } } }, 'http://httpbin.org/headers', ['--max-time', '1']);
    expect(gaveUp.exitCode).toBe(28);
  });

  it('timeout: 504 UT response_timeout when the upstream is slower', () => {
    const r = curl({ timeout: '1s' }, 'http://httpbin.org/delay/3');
    expect(r.stdout).toMatch(/^HTTP\/1\.1 504 Gateway Timeout\r\n/);
    expect(r.stdout.endsWith('upstream request timeout')).toBe(true);
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 504 UT response_timeout ');
  });

  it('rewrite and request header edits reach the origin', () => {
    const r = run(
      baseState({ objects: [SE_HTTPBIN, vsWith({ match: [{ uri: { prefix: '/api' } }], rewrite: { uri: '/anything' }, headers: { request: { set: { 'x-lesson': 'egress' }, remove: ['accept'] } } })] }),
      ['curl', '-s', 'http://httpbin.org/api/v1?x=1'],
    );
    const body = JSON.parse(r.stdout);
    expect(body.url).toBe('http://httpbin.org/anything/v1?x=1');
    expect(body.headers['X-Lesson']).toBe('egress');
    expect(body.headers.Accept).toBeUndefined();
    expect(logsOf(r, CLIENT.name)[0]).toContain('"GET /api/v1?x=1 HTTP/1.1"');
  });
});
