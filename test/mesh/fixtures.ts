// A practice-cluster-like MeshState and the seed's manifests (HTTP and HTTPS parts), as objects.

import type { CommandContext, CommandResult, IstioObject, MeshPod, MeshState } from '../../src/mesh/types.js';
import { runCommand } from '../../src/mesh/index.js';
import { seedObject } from '../fixtures/seed.js';

export const CLIENT: MeshPod = {
  namespace: 'default',
  name: 'curl-5b549b49b8-mv2xz',
  labels: { app: 'curl', 'pod-template-hash': '5b549b49b8' },
  ip: '10.244.0.12',
  hasSidecar: true,
  ready: true,
};

export const GATEWAY_POD: MeshPod = {
  namespace: 'istio-system',
  name: 'istio-egressgateway-7f8b9c6d5-k2x9p',
  labels: { app: 'istio-egressgateway', istio: 'egressgateway' },
  ip: '10.244.0.8',
  hasSidecar: false,
  ready: true,
};

export function baseState(overrides: Partial<MeshState> = {}): MeshState {
  return {
    istioNamespace: 'istio-system',
    meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY', accessLogFile: '/dev/stdout' },
    objects: [],
    pods: [CLIENT, GATEWAY_POD],
    services: [
      {
        namespace: 'istio-system',
        name: 'istio-egressgateway',
        ports: [
          { port: 80, targetPort: 8080, name: 'http2' },
          { port: 443, targetPort: 8443, name: 'https' },
        ],
        selector: { app: 'istio-egressgateway', istio: 'egressgateway' },
        clusterIP: '10.96.120.14',
      },
    ],
    ...overrides,
  };
}

const obj = (kind: IstioObject['kind'], name: string, spec: Record<string, unknown>, namespace = 'default'): IstioObject => ({ kind, name, namespace, spec });

// The seed's objects (test/fixtures/seed.ts), in the client namespace.
const fromSeed = (part: 'http' | 'https', kind: IstioObject['kind']): IstioObject => {
  const o = seedObject(part, kind);
  return obj(kind, o.metadata.name, o.spec);
};

// ---- HTTP part of the seed ----
export const SE_HTTPBIN = fromSeed('http', 'ServiceEntry');
export const GW_HTTP = fromSeed('http', 'Gateway');
export const DR_CNN = fromSeed('http', 'DestinationRule');
export const VS_HTTP = fromSeed('http', 'VirtualService');

// ---- HTTPS part of the seed ----
export const SE_BAIDU = fromSeed('https', 'ServiceEntry');
export const GW_TLS = fromSeed('https', 'Gateway');
export const VS_TLS = fromSeed('https', 'VirtualService');

export const HTTP_CMD = ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/headers'];
export const HTTPS_CMD = ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'https://www.baidu.com?q=1'];

export const NOW = new Date('2026-11-24T06:00:00.123Z');

/** A deterministic random source (a small LCG). */
export function seeded(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function run(state: MeshState, argv: string[], extra: Partial<CommandContext> = {}): CommandResult {
  return runCommand({ state, pod: CLIENT, container: 'curl', argv, now: NOW, random: seeded(), ...extra });
}

export const logsOf = (r: CommandResult, pod: string): string[] => r.accessLog.filter((l) => l.pod === pod).map((l) => l.line);
