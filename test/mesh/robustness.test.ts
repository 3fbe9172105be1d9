// Odd cluster state and odd command lines never crash the model: it answers like a shell would.
import { describe, expect, it } from 'vitest';
import type { IstioObject } from '../../src/mesh/types.js';
import { baseState, HTTP_CMD, HTTPS_CMD, run, seeded } from './fixtures.js';

const odd: IstioObject[] = [
  { kind: 'ServiceEntry', namespace: 'default', name: 'a', spec: { hosts: 'httpbin.org', ports: { number: 80 } } },
  { kind: 'ServiceEntry', namespace: 'default', name: 'b', spec: { hosts: [42, null], ports: [null, 'x', { number: '80', protocol: 7 }], resolution: 3 } },
  { kind: 'VirtualService', namespace: 'default', name: 'c', spec: { hosts: ['httpbin.org'], http: [{ match: 'all', route: 'nowhere' }, null, { route: [{ destination: null }] }] } },
  { kind: 'VirtualService', namespace: 'default', name: 'd', spec: { hosts: ['*'], tls: [{ match: [{ sniHosts: 'x' }], route: [{}] }], http: [{ match: [{ uri: { regex: '([' } }] }] } },
  { kind: 'DestinationRule', namespace: 'default', name: 'e', spec: { host: 5, subsets: 'cnn' } },
  { kind: 'Gateway', namespace: 'default', name: 'f', spec: { selector: 'istio', servers: [{ port: null, hosts: 'x' }] } },
  { kind: 'Gateway', namespace: 'default', name: 'g', spec: { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 80 }, hosts: [null, 'httpbin.org'] }] } },
  { kind: 'Sidecar', namespace: 'default', name: 'h', spec: { outboundTrafficPolicy: 'REGISTRY_ONLY', egress: 'all' } },
  { kind: 'Telemetry', namespace: 'istio-system', name: 'i', spec: { accessLogging: [null, { providers: 'envoy' }] } },
];

describe('robustness', () => {
  it('malformed specs in every kind: curl still answers, with some curl exit code', () => {
    for (let i = 0; i < odd.length; i++) {
      const state = baseState({ objects: [...odd.slice(i), ...odd.slice(0, i)] });
      for (const cmd of [HTTP_CMD, HTTPS_CMD, ['curl', '-s', 'http://istio-egressgateway.istio-system/']]) {
        const r = run(state, cmd, { random: seeded(i) });
        expect(Number.isInteger(r.exitCode)).toBe(true);
        expect(r.stdout + r.stderr).not.toMatch(/TypeError|undefined is not|at Object\./);
      }
    }
  });

  it('odd command lines get the shell\'s or curl\'s own messages', () => {
    const cases: [string[], number][] = [
      [['curl'], 2],
      [['curl', ''], 3],
      [['curl', 'http://'], 3],
      [['curl', '-H'], 2],
      [['sh', '-c'], 2],
      [['sh', '-c', ''], 0],
      [['sh', '-c', ';;'], 2],
      [['sh', '-c', 'echo "unterminated'], 2],
      [['sh', 'script.sh'], 2],
      [['echo'], 0],
      [['head', '-n', 'x'], 1],
      [['grep'], 2],
    ];
    for (const [argv, code] of cases) {
      const r = run(baseState(), argv);
      expect({ argv, code: r.exitCode }).toEqual({ argv, code });
      if (code !== 0) expect(r.stderr.length).toBeGreaterThan(0);
    }
  });

  it('an empty argv is refused by the runtime, not crashed on', () => {
    expect(run(baseState(), []).exitCode).toBe(126);
  });
});
