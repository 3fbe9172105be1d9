// meta.k8s.io/v1 Table answers for `kubectl get`, with the columns kube-apiserver prints.

import type { ResourceInfo } from './resources.js';
import type { KObject } from './store.js';

export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** kube's duration.HumanDuration, as the AGE column shows it. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d < 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
  description: string;
  cell: (o: KObject) => unknown;
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
const age = (o: KObject): string => (o.metadata.creationTimestamp ? humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp)) : '<unknown>');

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age };

function podStatus(o: KObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const st = rec(o.status);
  const waiting = arr(st.containerStatuses).map((c) => rec(rec(c.state).waiting).reason).find((r) => typeof r === 'string');
  if (st.phase === 'Pending' && waiting) return String(waiting);
  return String(st.phase ?? 'Unknown');
}

function ports(o: KObject): string {
  const p = arr(rec(o.spec).ports).map((x) => `${x.port}${x.nodePort ? `:${x.nodePort}` : ''}/${x.protocol ?? 'TCP'}`);
  return p.length ? p.join(',') : '<none>';
}

/** A label selector as kube-apiserver prints it (metav1.FormatLabelSelector): `app=curl,tier notin (web)`, `<none>` when empty. */
function selectorText(sel: Record<string, unknown> | undefined): string {
  const isLabelSelector = sel !== undefined && ('matchLabels' in sel || 'matchExpressions' in sel);
  const labels = isLabelSelector ? rec(sel.matchLabels) : rec(sel);
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  for (const e of isLabelSelector ? arr(sel.matchExpressions) : []) {
    const values = Array.isArray(e.values) ? (e.values as string[]).join(',') : '';
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(String(e.key));
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

const CREATED_AT: Column = { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o) => o.metadata.creationTimestamp ?? '' };
const subjectsOf = (o: KObject, kind: string): string =>
  arr(o.subjects)
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : String(s.name)))
    .join(', ');
const BINDING: Column[] = [
  NAME,
  { name: 'Role', type: 'string', description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.', cell: (o) => `${rec(o.roleRef).kind}/${rec(o.roleRef).name}` },
  AGE,
  { name: 'Users', type: 'string', priority: 1, description: 'Users in the roleBinding', cell: (o) => subjectsOf(o, 'User') },
  { name: 'Groups', type: 'string', priority: 1, description: 'Groups in the roleBinding', cell: (o) => subjectsOf(o, 'Group') },
  { name: 'ServiceAccounts', type: 'string', priority: 1, description: 'ServiceAccounts in the roleBinding', cell: (o) => subjectsOf(o, 'ServiceAccount') },
];

const COLUMNS: Record<string, Column[]> = {
  roles: [NAME, CREATED_AT],
  clusterroles: [NAME, CREATED_AT],
  rolebindings: BINDING,
  clusterrolebindings: BINDING,
  pods: [
    NAME,
    { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (o) => `${arr(rec(o.status).containerStatuses).filter((c) => c.ready).length}/${arr(rec(o.spec).containers).length}` },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: podStatus },
    { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', cell: () => '0' },
    AGE,
    { name: 'IP', type: 'string', priority: 1, description: 'The IP address assigned to the pod', cell: (o) => rec(o.status).podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, description: 'The name of the node the pod is scheduled on', cell: (o) => rec(o.spec).nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, description: 'The nominated node', cell: () => '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, description: 'The readiness gates', cell: () => '<none>' },
  ],
  deployments: [
    NAME,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', cell: (o) => `${rec(o.status).readyReplicas ?? 0}/${rec(o.spec).replicas ?? 1}` },
    { name: 'Up-to-date', type: 'string', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', cell: (o) => rec(o.status).updatedReplicas ?? 0 },
    { name: 'Available', type: 'string', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', cell: (o) => rec(o.status).availableReplicas ?? 0 },
    AGE,
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.', cell: (o) => arr(rec(rec(rec(o.spec).template).spec).containers).map((c) => c.name).join(',') },
    { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.', cell: (o) => arr(rec(rec(rec(o.spec).template).spec).containers).map((c) => c.image).join(',') },
    { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.', cell: (o) => Object.entries(rec(rec(rec(o.spec).selector).matchLabels)).map(([k, v]) => `${k}=${v}`).join(',') },
  ],
  replicasets: [
    NAME,
    { name: 'Desired', type: 'integer', description: 'Number of desired pods.', cell: (o) => rec(o.spec).replicas ?? 1 },
    { name: 'Current', type: 'integer', description: 'Number of actual replicas.', cell: (o) => rec(o.status).replicas ?? 0 },
    { name: 'Ready', type: 'integer', description: 'Number of pods ready.', cell: (o) => rec(o.status).readyReplicas ?? 0 },
    AGE,
  ],
  services: [
    NAME,
    { name: 'Type', type: 'string', description: 'How the service is exposed.', cell: (o) => rec(o.spec).type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', description: 'The IP address of the service.', cell: (o) => rec(o.spec).clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', description: 'External IPs of the service.', cell: (o) => (rec(o.spec).type === 'LoadBalancer' ? '<pending>' : '<none>') },
    { name: 'Port(s)', type: 'string', description: 'The ports of the service.', cell: ports },
    AGE,
    { name: 'Selector', type: 'string', priority: 1, description: 'The selector of the service.', cell: (o) => Object.entries(rec(rec(o.spec).selector)).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
  ],
  namespaces: [NAME, { name: 'Status', type: 'string', description: 'The status of the namespace', cell: (o) => rec(o.status).phase ?? 'Active' }, AGE],
  configmaps: [NAME, { name: 'Data', type: 'integer', description: 'Number of data entries.', cell: (o) => Object.keys(rec(o.data)).length + Object.keys(rec(o.binaryData)).length }, AGE],
  secrets: [NAME, { name: 'Type', type: 'string', description: 'The type of the secret', cell: (o) => o.type ?? 'Opaque' }, { name: 'Data', type: 'integer', description: 'Number of data entries.', cell: (o) => Object.keys(rec(o.data)).length }, AGE],
  serviceaccounts: [NAME, { name: 'Secrets', type: 'integer', description: 'Number of secrets.', cell: (o) => arr(o.secrets).length }, AGE],
  endpoints: [
    NAME,
    { name: 'Endpoints', type: 'string', description: 'Endpoints of the service', cell: (o) => {
      const eps = arr(o.subsets).flatMap((ss) => arr(ss.addresses).flatMap((a) => arr(ss.ports).map((p) => `${a.ip}:${p.port}`)));
      return eps.length ? eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '') : '<none>';
    } },
    AGE,
  ],
  endpointslices: [
    NAME,
    { name: 'AddressType', type: 'string', description: 'Type of address carried by this EndpointSlice', cell: (o) => o.addressType ?? 'IPv4' },
    { name: 'Ports', type: 'string', description: 'Ports of the EndpointSlice', cell: (o) => arr(o.ports).map((p) => p.port).join(',') || '<unset>' },
    { name: 'Endpoints', type: 'string', description: 'Addresses of the endpoints', cell: (o) => arr(o.endpoints).flatMap((e) => (e.addresses as string[]) ?? []).join(',') || '<unset>' },
    AGE,
  ],
  networkpolicies: [
    NAME,
    { name: 'Pod-Selector', type: 'string', description: 'Pod selector of the NetworkPolicy', cell: (o) => selectorText(rec(rec(o.spec).podSelector)) },
    AGE,
  ],
  daemonsets: [
    NAME,
    { name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod.', cell: (o) => rec(o.status).desiredNumberScheduled ?? 1 },
    { name: 'Current', type: 'integer', description: 'The number of nodes that are running at least 1 daemon pod.', cell: (o) => rec(o.status).currentNumberScheduled ?? 1 },
    { name: 'Ready', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', cell: (o) => rec(o.status).numberReady ?? 1 },
    { name: 'Up-to-date', type: 'integer', description: 'The total number of nodes that are running updated daemon pod', cell: (o) => rec(o.status).updatedNumberScheduled ?? 1 },
    { name: 'Available', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', cell: (o) => rec(o.status).numberAvailable ?? 1 },
    { name: 'Node Selector', type: 'string', description: 'NodeSelector is a selector which must be true for the pod to fit on a node.', cell: (o) => selectorText(rec(rec(rec(o.spec).template).spec).nodeSelector as Record<string, unknown> | undefined) },
    AGE,
  ],
  // Istio CRDs' additionalPrinterColumns
  serviceentries: [
    NAME,
    { name: 'Hosts', type: 'string', description: 'The hosts associated with the ServiceEntry', cell: (o) => JSON.stringify(rec(o.spec).hosts ?? []) },
    { name: 'Location', type: 'string', description: 'Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)', cell: (o) => rec(o.spec).location ?? '' },
    { name: 'Resolution', type: 'string', description: 'Service resolution mode for the hosts (NONE, STATIC, or DNS)', cell: (o) => rec(o.spec).resolution ?? '' },
    AGE,
  ],
  virtualservices: [
    NAME,
    { name: 'Gateways', type: 'string', description: 'The names of gateways and sidecars that should apply these routes', cell: (o) => JSON.stringify(rec(o.spec).gateways ?? []) },
    { name: 'Hosts', type: 'string', description: 'The destination hosts to which traffic is being sent', cell: (o) => JSON.stringify(rec(o.spec).hosts ?? []) },
    AGE,
  ],
  destinationrules: [NAME, { name: 'Host', type: 'string', description: 'The name of a service from the service registry', cell: (o) => rec(o.spec).host ?? '' }, AGE],
  // The Gateway API CRDs' additionalPrinterColumns (keyed with the group: Istio has a `gateways` too)
  'gatewayclasses.gateway.networking.k8s.io': [
    NAME,
    { name: 'Controller', type: 'string', description: '', cell: (o) => rec(o.spec).controllerName ?? '' },
    { name: 'Accepted', type: 'string', description: '', cell: (o) => conditionStatus(o, 'Accepted') },
    AGE,
    { name: 'Description', type: 'string', description: '', priority: 1, cell: (o) => rec(o.spec).description ?? '' },
  ],
  'gateways.gateway.networking.k8s.io': [
    NAME,
    { name: 'Class', type: 'string', description: '', cell: (o) => rec(o.spec).gatewayClassName ?? '' },
    { name: 'Address', type: 'string', description: '', cell: (o) => (Array.isArray(rec(o.status).addresses) ? (rec(o.status).addresses as Record<string, unknown>[]).map((a) => String(a.value ?? '')).join(' ') : '') },
    { name: 'Programmed', type: 'string', description: '', cell: (o) => conditionStatus(o, 'Programmed') },
    AGE,
  ],
  'httproutes.gateway.networking.k8s.io': [NAME, { name: 'Hostnames', type: 'string', description: '', cell: (o) => (rec(o.spec).hostnames === undefined ? '' : JSON.stringify(rec(o.spec).hostnames)) }, AGE],
};

function conditionStatus(o: KObject, type: string): string {
  const conditions = Array.isArray(rec(o.status).conditions) ? (rec(o.status).conditions as Record<string, unknown>[]) : [];
  return String(conditions.find((c) => c.type === type)?.status ?? '');
}

export function toTable(res: ResourceInfo, items: KObject[], query: URLSearchParams, rv: number, listMeta?: Record<string, unknown>): unknown {
  const columns = COLUMNS[`${res.plural}.${res.group}`] ?? (res.group === 'gateway.networking.k8s.io' ? undefined : COLUMNS[res.plural]) ?? [NAME, AGE];
  const include = query.get('includeObject') ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(rv), ...(listMeta?.continue ? { continue: listMeta.continue } : {}) },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: columns.map((c) => c.cell(o)),
      ...(include === 'None'
        ? {}
        : { object: include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}
