// A practice-cluster-like MeshState and the seed's manifests (HTTP and HTTPS parts), as objects.

import type { CommandContext, CommandResult, IstioObject, MeshPod, MeshState } from '../../src/mesh/types.js';
import { runCommand } from '../../src/mesh/index.js';

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

// ---- HTTP part of the seed ----
export const SE_HTTPBIN = obj('ServiceEntry', 'cnn', {
  hosts: ['httpbin.org'],
  ports: [
    { number: 80, name: 'http-port', protocol: 'HTTP' },
    { number: 443, name: 'https', protocol: 'HTTPS' },
  ],
  resolution: 'DNS',
});

export const GW_HTTP = obj('Gateway', 'istio-egressgateway', {
  selector: { istio: 'egressgateway' },
  servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['httpbin.org'] }],
});

export const DR_CNN = obj('DestinationRule', 'egressgateway-for-cnn', {
  host: 'istio-egressgateway.istio-system.svc.cluster.local',
  subsets: [{ name: 'cnn' }],
});

export const VS_HTTP = obj('VirtualService', 'direct-cnn-through-egress-gateway', {
  hosts: ['httpbin.org'],
  gateways: ['istio-egressgateway', 'mesh'],
  http: [
    {
      match: [{ gateways: ['mesh'], port: 80 }],
      route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 80 } }, weight: 100 }],
    },
    {
      match: [{ gateways: ['istio-egressgateway'], port: 80 }],
      route: [{ destination: { host: 'httpbin.org', port: { number: 80 } }, weight: 100 }],
    },
  ],
});

// ---- HTTPS part of the seed ----
export const SE_BAIDU = obj('ServiceEntry', 'cnn', {
  hosts: ['www.baidu.com'],
  ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
  resolution: 'DNS',
});

export const GW_TLS = obj('Gateway', 'istio-egressgateway', {
  selector: { istio: 'egressgateway' },
  servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['www.baidu.com'], tls: { mode: 'PASSTHROUGH' } }],
});

export const VS_TLS = obj('VirtualService', 'direct-cnn-through-egress-gateway', {
  hosts: ['www.baidu.com'],
  gateways: ['mesh', 'istio-egressgateway'],
  tls: [
    {
      match: [{ gateways: ['mesh'], port: 443, sniHosts: ['www.baidu.com'] }],
      route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 443 } } }],
    },
    {
      match: [{ gateways: ['istio-egressgateway'], port: 443, sniHosts: ['www.baidu.com'] }],
      route: [{ destination: { host: 'www.baidu.com', port: { number: 443 } }, weight: 100 }],
    },
  ],
});

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
