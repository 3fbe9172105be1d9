// The objects `class setup` creates, as manifests (pure): per learner their namespace, identity,
// RBAC limited to what the lessons do, the class ConfigMap and (own mode) their egress gateway;
// per class the Istio-namespace Role and (shared mode) the shared gateway's access-log Telemetry.

import type { KubeObject } from '../lesson/model.js';
import {
  CLASS_CONFIGMAP,
  classLabels,
  clusterRoleName,
  istioBindingName,
  istioRoleName,
  LEARNER_ROLE,
  LEARNER_SA,
  PROGRESS_CONFIGMAP,
  SHARED_TELEMETRY,
  type GatewayMode,
} from './model.js';

export interface ClassOptions {
  prefix: string;
  gateway: GatewayMode;
  istioNamespace: string;
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const ALL = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const READ = ['get', 'list', 'watch'];

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/**
 * What a walk does in the learner's namespace (src/cluster/kube/permissions.ts, preflight.ts,
 * cleanup.ts): Istio networking objects and Telemetry, the client Deployment and its pods (logs,
 * exec), Services, ServiceAccounts, Events; ConfigMaps read, and written only for the progress
 * ConfigMap (resourceNames: the class ConfigMap stays the instructor's).
 */
export function learnerRules(): Rule[] {
  return [
    { apiGroups: ['networking.istio.io'], resources: ['serviceentries', 'gateways', 'destinationrules', 'virtualservices', 'sidecars', 'workloadentries'], verbs: ALL },
    { apiGroups: ['telemetry.istio.io'], resources: ['telemetries'], verbs: ALL },
    // The tracks, in the learner's own namespace: NetworkPolicy; the Gateway API (and the ambient
    // track's waypoint, a Gateway of class istio-waypoint); the waypoint's AuthorizationPolicy.
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ALL },
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways', 'httproutes', 'tlsroutes', 'referencegrants'], verbs: ALL },
    { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies'], verbs: ALL },
    // Lesson 21 with the learner's own gateway: the client certificate's Secret (credentialName) in
    // the gateway's namespace, theirs. Never granted in the Istio namespace (istiod's CA lives there).
    { apiGroups: [''], resources: ['secrets'], verbs: ALL },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ALL },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
    { apiGroups: [''], resources: ['pods'], verbs: [...READ, 'delete'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    // kubectl and client-node open exec as a WebSocket GET; newer API servers authorize it as create.
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
    { apiGroups: [''], resources: ['services', 'serviceaccounts'], verbs: ALL },
    { apiGroups: [''], resources: ['configmaps'], verbs: READ },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'update', 'patch', 'delete'], resourceNames: [PROGRESS_CONFIGMAP] },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: READ },
  ];
}

/**
 * Outside the namespace: the learner's pre-flight reads the Istio namespace's mesh config, gateway
 * pods, Telemetry, and (the ambient track's ambient-mode) the ztunnel DaemonSet, by name; in
 * shared mode, the shared gateway's log (and so ztunnel's).
 */
export function istioRules(gateway: GatewayMode): Rule[] {
  return [
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['istio'] },
    { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get'], resourceNames: ['ztunnel'] },
    { apiGroups: [''], resources: ['pods'], verbs: READ },
    ...(gateway === 'shared' ? [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }] : []),
    { apiGroups: ['telemetry.istio.io'], resources: ['telemetries'], verbs: READ },
  ];
}

const meta = (name: string, prefix: string, namespace?: string, extra: Record<string, string> = {}): KubeObject['metadata'] => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { ...classLabels(prefix), ...extra },
});

export function namespaceObject(namespace: string, prefix: string, adopted = false): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(namespace, prefix, undefined, { 'istio-injection': 'enabled', ...(adopted ? { 'egress-tutorial.dev/adopted': 'true' } : {}) }),
  };
}

const learnerSubject = (namespace: string) => ({ kind: 'ServiceAccount', name: LEARNER_SA, namespace });

/** The objects of one learner, in creation order (the namespace first). `gatewayObjects` are the rendered C1 manifest (own mode). */
export function learnerObjects(namespace: string, options: ClassOptions, gatewayObjects: KubeObject[] = [], adopted = false): KubeObject[] {
  const { prefix, gateway, istioNamespace } = options;
  const crName = clusterRoleName(namespace);
  return [
    namespaceObject(namespace, prefix, adopted),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(LEARNER_SA, prefix, namespace) },
    { apiVersion: RBAC, kind: 'Role', metadata: meta(LEARNER_ROLE, prefix, namespace), rules: learnerRules() },
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: meta(LEARNER_ROLE, prefix, namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: LEARNER_ROLE },
      subjects: [learnerSubject(namespace)],
    },
    // Namespaces are cluster-scoped: reading one's own (and the Istio one) needs a ClusterRole, narrowed by name.
    { apiVersion: RBAC, kind: 'ClusterRole', metadata: meta(crName, prefix), rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'], resourceNames: [namespace, istioNamespace] }] },
    {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: meta(crName, prefix),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: crName },
      subjects: [learnerSubject(namespace)],
    },
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: meta(istioBindingName(namespace), prefix, istioNamespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: istioRoleName(prefix) },
      subjects: [learnerSubject(namespace)],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(CLASS_CONFIGMAP, prefix, namespace),
      data: { gateway, istioNamespace, class: prefix },
    },
    ...(gateway === 'own' ? gatewayObjects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace, labels: { ...(o.metadata.labels ?? {}), ...classLabels(prefix) } } })) : []),
  ];
}

/** The class-wide objects, made before any learner's. */
export function classObjects(options: ClassOptions): KubeObject[] {
  const { prefix, gateway, istioNamespace } = options;
  return [
    { apiVersion: RBAC, kind: 'Role', metadata: meta(istioRoleName(prefix), prefix, istioNamespace), rules: istioRules(gateway) },
    ...(gateway === 'shared'
      ? [
          {
            apiVersion: 'telemetry.istio.io/v1',
            kind: 'Telemetry',
            metadata: meta(SHARED_TELEMETRY, prefix, istioNamespace),
            spec: { selector: { matchLabels: { istio: 'egressgateway' } }, accessLogging: [{ providers: [{ name: 'envoy' }] }] },
          } as KubeObject,
        ]
      : []),
  ];
}
