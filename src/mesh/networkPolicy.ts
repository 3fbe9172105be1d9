// Kubernetes NetworkPolicy as a policy-enforcing CNI (Calico, Cilium) applies it to a pod's
// connections: a pod selected by a policy of a direction is isolated for it, and a connection is
// allowed only when a rule of one of those policies allows it (policies are additive). Denied
// packets are dropped, so the sender's connect times out. Evaluated on pod addresses after
// kube-proxy's DNAT, as those CNIs do. Pure.

import type { MeshState, NetworkPolicyObject } from './types.js';

/** One end of a connection: a pod (namespace and labels) or an address outside the cluster. */
export interface PolicyPeer {
  ip: string;
  /** Absent for an address that is no pod's (the internet). */
  pod?: { namespace: string; labels: Record<string, string> };
}

export interface PolicyVerdict {
  allowed: boolean;
  /** The policies that isolate the pod for this direction (namespace/name), when it was denied. */
  isolatedBy?: string[];
  direction?: 'egress' | 'ingress';
}

/** kube-dns as the policy sees it: kube-system pods labelled k8s-app=kube-dns, UDP and TCP 53. */
export const KUBE_DNS: PolicyPeer = { ip: '10.244.0.2', pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } };

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

function asSelector(v: unknown): Selector | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Selector) : undefined;
}

/** metav1.LabelSelector: every matchLabels pair and every expression must hold; {} matches all. */
export function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an operator the API server would refuse
    }
  }
  return true;
}

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** Whether an IPv4 address is in a CIDR ("0.0.0.0/0", "10.0.0.0/8"). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipToInt(ip);
  const b = ipToInt(base);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

function namespaceLabels(state: MeshState, name: string): Record<string, string> {
  // Every namespace carries kubernetes.io/metadata.name (the API server sets it).
  return { 'kubernetes.io/metadata.name': name, ...(state.namespaces?.find((n) => n.name === name)?.labels ?? {}) };
}

/** A rule's peer (`to` / `from` entry) matches the other end of the connection. */
function peerMatches(state: MeshState, policyNamespace: string, entry: Record<string, unknown>, other: PolicyPeer): boolean {
  const ipBlock = entry.ipBlock as { cidr?: string; except?: string[] } | undefined;
  if (ipBlock) {
    if (typeof ipBlock.cidr !== 'string' || !inCidr(other.ip, ipBlock.cidr)) return false;
    return !(ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  }
  if (!other.pod) return false; // pod and namespace selectors only ever select pods
  const podSelector = asSelector(entry.podSelector);
  const nsSelector = asSelector(entry.namespaceSelector);
  if (!podSelector && !nsSelector) return false;
  const namespaceOk = nsSelector ? selects(nsSelector, namespaceLabels(state, other.pod.namespace)) : other.pod.namespace === policyNamespace;
  return namespaceOk && (podSelector ? selects(podSelector, other.pod.labels) : true);
}

function portMatches(ports: unknown, port: number, protocol: 'TCP' | 'UDP'): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true; // no ports: every port
  return ports.some((p: Record<string, unknown>) => {
    if ((typeof p.protocol === 'string' ? p.protocol : 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port !== 'number') return false; // a named port: not modelled, as if it named another port
    const end = typeof p.endPort === 'number' ? p.endPort : p.port;
    return port >= p.port && port <= end;
  });
}

function policyTypes(spec: Record<string, unknown>): string[] {
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes.filter((t): t is string => typeof t === 'string');
  // The API server's default: Ingress always, Egress when the policy has egress rules.
  return spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

function isolating(state: MeshState, pod: { namespace: string; labels: Record<string, string> }, type: 'Ingress' | 'Egress'): NetworkPolicyObject[] {
  return (state.networkPolicies ?? []).filter((p) => p.namespace === pod.namespace && selects(asSelector(p.spec.podSelector) ?? {}, pod.labels) && policyTypes(p.spec).includes(type));
}

function allowedBy(state: MeshState, policies: NetworkPolicyObject[], rulesKey: 'egress' | 'ingress', peersKey: 'to' | 'from', other: PolicyPeer, port: number, protocol: 'TCP' | 'UDP'): boolean {
  return policies.some((p) => {
    const rules = Array.isArray(p.spec[rulesKey]) ? (p.spec[rulesKey] as Record<string, unknown>[]) : [];
    return rules.some((rule) => {
      if (!portMatches(rule.ports, port, protocol)) return false;
      const peers = rule[peersKey];
      if (!Array.isArray(peers) || peers.length === 0) return true; // no peers: everywhere
      return peers.some((entry: Record<string, unknown>) => peerMatches(state, p.namespace, entry, other));
    });
  });
}

/**
 * Whether a connection from `from` to `to` on `port` passes the cluster's NetworkPolicies: the
 * sender's egress and, when the receiver is a pod, its ingress. Always allowed when the CNI does
 * not enforce NetworkPolicy (kindnet, flannel alone).
 */
export function connectionAllowed(state: MeshState, from: PolicyPeer, to: PolicyPeer, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): PolicyVerdict {
  if (!state.networkPolicyEnforced) return { allowed: true };
  if (from.pod) {
    const policies = isolating(state, from.pod, 'Egress');
    if (policies.length > 0 && !allowedBy(state, policies, 'egress', 'to', to, port, protocol))
      return { allowed: false, direction: 'egress', isolatedBy: policies.map((p) => `${p.namespace}/${p.name}`) };
  }
  if (to.pod) {
    const policies = isolating(state, to.pod, 'Ingress');
    if (policies.length > 0 && !allowedBy(state, policies, 'ingress', 'from', from, port, protocol))
      return { allowed: false, direction: 'ingress', isolatedBy: policies.map((p) => `${p.namespace}/${p.name}`) };
  }
  return { allowed: true };
}

/** The policy peer an address is: a pod of the mesh state, else an outside address. */
export function peerAt(state: MeshState, ip: string): PolicyPeer {
  const pod = state.pods.find((p) => p.ip === ip);
  return pod ? { ip, pod: { namespace: pod.namespace, labels: pod.labels } } : { ip };
}
