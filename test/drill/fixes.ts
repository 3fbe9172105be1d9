// The correct fix of each shipped drill, as a learner would make it with kubectl (another field
// manager than the tutorial's). Keyed by drill name: the tests check every drill has one.

import type { KubernetesObjectApi } from '@kubernetes/client-node';
import { kubectlDelete, mergePatch, NET, serverSideApply } from './helpers.js';

const VS = { apiVersion: NET, kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway' };
const GW = { apiVersion: NET, kind: 'Gateway', name: 'istio-egressgateway' };
const DR = { apiVersion: NET, kind: 'DestinationRule', name: 'egressgateway-for-cnn' };

/** Lesson 4's gateway half of the VirtualService, with a given gateway name. */
const httpRoutes = (gateway: string) => [
  { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 80 } }, weight: 100 }] },
  { match: [{ gateways: [gateway], port: 80 }], route: [{ destination: { host: 'httpbin.org', port: { number: 80 } }, weight: 100 }] },
];

const httpServer = (port: number, host: string) => [{ port: { number: port, name: 'http', protocol: 'HTTP' }, hosts: [host] }];

export const FIXES: Record<string, (api: KubernetesObjectApi) => Promise<void>> = {
  'destinationrule-namespace': async (api) => {
    await kubectlDelete(api, { ...DR, namespace: 'istio-system' });
    await serverSideApply(api, { apiVersion: NET, kind: 'DestinationRule', metadata: { name: DR.name, namespace: 'default' }, spec: { host: 'istio-egressgateway.istio-system.svc.cluster.local', exportTo: ['.', 'istio-system'], subsets: [{ name: 'cnn' }] } });
  },
  'subset-missing': (api) => mergePatch(api, DR, { spec: { subsets: [{ name: 'cnn' }] } }),
  'gateway-name': (api) => mergePatch(api, VS, { spec: { gateways: ['istio-egressgateway', 'mesh'], http: httpRoutes('istio-egressgateway') } }),
  'gateway-host': (api) => mergePatch(api, GW, { spec: { servers: httpServer(80, 'httpbin.org') } }),
  'export-to': (api) => mergePatch(api, VS, { spec: { exportTo: ['.', 'istio-system'] } }),
  'port-mismatch': (api) => mergePatch(api, GW, { spec: { servers: httpServer(80, 'httpbin.org') } }),
  'no-service-entry': (api) =>
    serverSideApply(api, {
      apiVersion: NET,
      kind: 'ServiceEntry',
      metadata: { name: 'allow-http-host', namespace: 'default' },
      spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http-port', protocol: 'HTTP' }], resolution: 'DNS' },
    }),
  'sni-mismatch': (api) => mergePatch(api, GW, { spec: { servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['www.baidu.com'], tls: { mode: 'PASSTHROUGH' } }] } }),
  'access-log-off': (api) => kubectlDelete(api, { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', name: 'quiet-egress-gateway', namespace: 'istio-system' }),
};

/** What the learner may have created that the drill's cleanup leaves alone (theirs): removed by the test. */
export const LEARNER_OBJECTS: Record<string, { apiVersion: string; kind: string; name: string; namespace?: string }[]> = {
  'no-service-entry': [{ apiVersion: NET, kind: 'ServiceEntry', name: 'allow-http-host' }],
  'destinationrule-namespace': [DR],
};
