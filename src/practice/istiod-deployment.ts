// The Deployment istiod's gateway templates render for a Gateway API Gateway: one replica of
// istio-proxy in router mode (class istio) or waypoint mode (class istio-waypoint), selected by
// the gateway-name label, injection off, running as the ServiceAccount made beside it.
import { PROXY_IMAGE } from './admission.js';
import type { KObject } from './store.js';

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

export interface ProxyDeployment {
  metadata: KObject['metadata'];
  /** The Gateway's name (the pods' gateway-name label). */
  gateway: string;
  /** The Deployment's, ServiceAccount's and canonical service's name. */
  name: string;
  mode: 'router' | 'waypoint';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ports: { containerPort: number; name: string; protocol: 'TCP' }[];
}

export function proxyDeployment(d: ProxyDeployment): KObject {
  const args = ['proxy', d.mode, '--domain', '$(POD_NAMESPACE).svc.cluster.local', ...(d.mode === 'waypoint' ? ['--serviceCluster', `${d.name}.$(POD_NAMESPACE)`] : []), '--proxyLogLevel', 'warning', '--proxyComponentLogLevel', 'misc:error', '--log_output_level', 'default:info'];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: d.metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: { [GATEWAY_NAME_LABEL]: d.gateway } },
      template: {
        metadata: { labels: { ...d.labels, 'service.istio.io/canonical-name': d.name, 'service.istio.io/canonical-revision': 'latest', 'sidecar.istio.io/inject': 'false' }, annotations: d.annotations },
        spec: { serviceAccountName: d.name, containers: [{ name: 'istio-proxy', image: PROXY_IMAGE, args, ports: d.ports }] },
      },
    },
  };
}
