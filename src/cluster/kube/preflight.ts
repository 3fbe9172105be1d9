// The pre-flight checks of issue 4: each one says pass / warn / fail, what was found, and the fix
// (with an automatic fix where the tutorial can do it on confirmation).

import type { CheckName } from '../../lesson/model.js';
import { ClusterError, type CheckResult, type PreflightOptions } from '../port.js';
import type { Where } from './errors.js';
import { accessLogTelemetry } from './meshconfig.js';
import { lessonPermissions, missingPermissions, summarizeMissing } from './permissions.js';
import { describeProgress, hasSidecar, isTerminating, labelSelector, pickReadyPod, pickWaitingPod } from './pods.js';
import { accessLogState, EGRESS_GATEWAY_LABELS, getNamespace, listPods, meshSettings, outboundPolicy, type Reads } from './reads.js';
import type { MeshSettings } from './meshconfig.js';

export const ALL_CHECKS: CheckName[] = [
  'cluster-reachable',
  'istio-crds',
  'istio-namespace',
  'egress-gateway',
  'access-logging',
  'sidecar-injection',
  'outbound-policy',
  'permissions',
  'client-ready',
];

const INSTALL_ISTIO = 'istioctl install --set profile=demo -y';
const INSTALL_EGRESS = (ns: string): string =>
  `istioctl install <your flags> --set "components.egressGateways[0].name=istio-egressgateway" --set "components.egressGateways[0].enabled=true"${ns !== 'istio-system' ? ` --set "components.egressGateways[0].namespace=${ns}"` : ''}`;
const ISTIO_KINDS = ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry'];

export interface PreflightDeps extends Reads {
  where: Where;
}

/** Shared between checks so the mesh config is read once. */
interface Memo {
  mesh?: Promise<MeshSettings | undefined>;
}

function mesh(deps: PreflightDeps, memo: Memo, options: PreflightOptions): Promise<MeshSettings | undefined> {
  memo.mesh ??= meshSettings(deps, options.istioNamespace, options.signal);
  return memo.mesh;
}

async function checkReachable(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const version = await deps.rest.json<{ gitVersion?: string }>({ method: 'GET', path: '/version', signal: options.signal, action: 'read the server version' });
  await deps.discovery.allGroups(options.signal); // discovery needs credentials that /version may not
  return {
    name: 'cluster-reachable',
    level: 'pass',
    summary: `Kubernetes ${version.gitVersion ?? '(unknown version)'} answers at ${deps.where.server} (context "${deps.where.context}").`,
  };
}

async function checkCrds(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const info = await deps.discovery.group('networking.istio.io', options.signal);
  if (!info || info.versions.length === 0) {
    return {
      name: 'istio-crds',
      level: 'fail',
      summary: "Istio's networking API (networking.istio.io) is not served: Istio is not installed.",
      fix: `Install Istio with the demo profile (it includes the egress gateway and access logs): ${INSTALL_ISTIO}`,
    };
  }
  const version = (await deps.discovery.servedVersion('networking.istio.io', options.signal))!;
  const resources = await Promise.all(ISTIO_KINDS.map((k) => deps.discovery.resource(`networking.istio.io/${version}`, k, options.signal)));
  const missing = ISTIO_KINDS.filter((_, i) => !resources[i]);
  const telemetry = await deps.discovery.group('telemetry.istio.io', options.signal);
  const details = [
    `networking.istio.io: ${info.versions.join(', ')} (lessons apply ${version})`,
    `telemetry.istio.io: ${telemetry ? telemetry.versions.join(', ') : 'not served'}`,
  ];
  if (missing.length) {
    return {
      name: 'istio-crds',
      level: 'fail',
      summary: `networking.istio.io/${version} does not serve ${missing.join(', ')}.`,
      fix: `Reinstall or upgrade Istio so that all its CRDs are present: ${INSTALL_ISTIO}`,
      details,
    };
  }
  return {
    name: 'istio-crds',
    level: 'pass',
    summary: `Istio's CRDs are served; the lessons use networking.istio.io/${version}${version !== 'v1' ? ' (v1 is not served here)' : ''}.`,
    details,
  };
}

async function checkIstioNamespace(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const ns = await getNamespace(deps, options.istioNamespace, options.signal);
  if (!ns) {
    return {
      name: 'istio-namespace',
      level: 'fail',
      summary: `Namespace "${options.istioNamespace}" does not exist.`,
      fix: `If Istio runs in another namespace, pass --istio-namespace NAME; otherwise install Istio: ${INSTALL_ISTIO}`,
    };
  }
  return { name: 'istio-namespace', level: 'pass', summary: `Namespace "${options.istioNamespace}" exists.` };
}

async function checkEgressGateway(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const pods = (await listPods(deps, options.istioNamespace, EGRESS_GATEWAY_LABELS, options.signal)).filter((p) => !isTerminating(p));
  const selector = labelSelector(EGRESS_GATEWAY_LABELS);
  if (pods.length === 0) {
    return {
      name: 'egress-gateway',
      level: 'fail',
      summary: `No egress gateway pods (${selector}) in namespace "${options.istioNamespace}": Istio's default profile does not install one.`,
      fix: `Install it: ${INSTALL_EGRESS(options.istioNamespace)} (the demo profile includes it).`,
    };
  }
  const ready = pods.filter((p) => pickReadyPod([p]));
  const details = pods.map((p) => describeProgress(p));
  if (ready.length === 0) {
    return {
      name: 'egress-gateway',
      level: 'fail',
      summary: `${pods.length} egress gateway pod${pods.length === 1 ? '' : 's'} found, none Running and Ready.`,
      fix: `Look at them: kubectl get pods -n ${options.istioNamespace} -l ${selector}; kubectl describe pod -n ${options.istioNamespace} -l ${selector}`,
      details,
    };
  }
  return {
    name: 'egress-gateway',
    level: ready.length === pods.length ? 'pass' : 'warn',
    summary: `${ready.length} of ${pods.length} egress gateway pod${pods.length === 1 ? '' : 's'} Running and Ready in "${options.istioNamespace}".`,
    fix: ready.length === pods.length ? undefined : `Some are not Ready: kubectl describe pod -n ${options.istioNamespace} -l ${selector}`,
    details,
  };
}

async function checkAccessLogging(deps: PreflightDeps, memo: Memo, options: PreflightOptions): Promise<CheckResult> {
  const settings = await mesh(deps, memo, options);
  const state = await accessLogState(deps, options.istioNamespace, settings, options.signal);
  if (state.state === 'on') return { name: 'access-logging', level: 'pass', summary: `Envoy access logging is on (${state.source}).` };
  const telemetryVersion = await deps.discovery.servedVersion('telemetry.istio.io', options.signal);
  const manifest = telemetryVersion ? accessLogTelemetry(`telemetry.istio.io/${telemetryVersion}`, options.istioNamespace) : undefined;
  return {
    name: 'access-logging',
    level: 'warn',
    summary:
      state.state === 'off'
        ? "Envoy access logging is off: the gateway's log will not show the requests."
        : `The mesh config (ConfigMap "istio" in "${options.istioNamespace}") was not found, so access logging may be off.`,
    fix: `Turn it on: istioctl install <your flags> --set meshConfig.accessLogFile=/dev/stdout${manifest ? ', or let the tutorial apply a Telemetry resource that enables the envoy access log provider mesh-wide' : ''}.`,
    autoFix: manifest
      ? { kind: 'apply', objects: [manifest], description: `apply Telemetry ${options.istioNamespace}/${manifest.metadata.name} (access logs for the whole mesh)` }
      : undefined,
  };
}

async function checkInjection(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const ns = options.clientNamespace;
  const namespace = await getNamespace(deps, ns, options.signal);
  const labelFix = {
    kind: 'label-namespace' as const,
    namespace: ns,
    labels: { 'istio-injection': 'enabled' },
    description: `label namespace "${ns}" with istio-injection=enabled`,
  };
  if (!namespace) {
    return {
      name: 'sidecar-injection',
      level: 'fail',
      summary: `The client namespace "${ns}" does not exist.`,
      fix: `Create it with injection on: kubectl create namespace ${ns} && kubectl label namespace ${ns} istio-injection=enabled (or pick another with -n).`,
    };
  }
  const labels = namespace.metadata?.labels ?? {};
  if (labels['istio-injection'] === 'enabled') return { name: 'sidecar-injection', level: 'pass', summary: `Namespace "${ns}" has istio-injection=enabled.` };
  if (labels['istio.io/rev'] && labels['istio-injection'] !== 'disabled') {
    return { name: 'sidecar-injection', level: 'pass', summary: `Namespace "${ns}" has istio.io/rev=${labels['istio.io/rev']} (revision-based injection).` };
  }
  return {
    name: 'sidecar-injection',
    level: 'fail',
    summary:
      labels['istio-injection'] === 'disabled'
        ? `Namespace "${ns}" has istio-injection=disabled: pods there get no sidecar.`
        : `Namespace "${ns}" is not labelled for sidecar injection: pods there get no sidecar.`,
    fix: `kubectl label namespace ${ns} istio-injection=enabled --overwrite (then recreate pods that already run there).`,
    autoFix: labelFix,
  };
}

async function checkOutbound(deps: PreflightDeps, memo: Memo, options: PreflightOptions): Promise<CheckResult> {
  const settings = await mesh(deps, memo, options);
  const { policy, source } = await outboundPolicy(deps, options.clientNamespace, settings, options.signal);
  if (policy === 'unknown') {
    return {
      name: 'outbound-policy',
      level: 'warn',
      summary: `The outbound traffic policy is unknown (${source}).`,
      fix: `Look at it: kubectl get configmap istio -n ${options.istioNamespace} -o jsonpath='{.data.mesh}'`,
    };
  }
  return {
    name: 'outbound-policy',
    level: 'pass',
    summary: `Outbound traffic policy: ${policy} (from ${source}).`,
    details: [
      policy === 'REGISTRY_ONLY'
        ? 'Only hosts in the service registry or a ServiceEntry are reachable from the mesh.'
        : 'Hosts without a ServiceEntry are passed through by the sidecar.',
    ],
  };
}

async function checkPermissions(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  let missing;
  try {
    missing = await missingPermissions(deps.rest, lessonPermissions(options.clientNamespace, options.istioNamespace), options.signal);
  } catch (err) {
    if (err instanceof ClusterError && (err.reason === 'forbidden' || err.reason === 'not-served')) {
      return { name: 'permissions', level: 'warn', summary: 'Permissions could not be checked (SelfSubjectAccessReview is not allowed here).', fix: 'Check them with kubectl auth can-i --list.' };
    }
    throw err;
  }
  if (missing.length === 0) return { name: 'permissions', level: 'pass', summary: 'You have every permission the lessons use.' };
  const lines = summarizeMissing(missing);
  return {
    name: 'permissions',
    level: 'fail',
    summary: `Missing ${missing.length} permission${missing.length === 1 ? '' : 's'}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? '; …' : ''}.`,
    fix: 'Ask a cluster admin for them (a Role in the client namespace and read access to the Istio namespace), or use the practice cluster with --practice.',
    details: lines,
  };
}

async function checkClient(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const { client } = options;
  const selector = labelSelector(client.labels);
  const pods = await listPods(deps, client.namespace, client.labels, options.signal);
  const ready = pickReadyPod(pods);
  if (ready) {
    if (hasSidecar(ready)) return { name: 'client-ready', level: 'pass', summary: `Client pod ${ready.metadata?.name} is Ready with an istio-proxy sidecar.` };
    return {
      name: 'client-ready',
      level: 'fail',
      summary: `Client pod ${ready.metadata?.name} is Ready but has no istio-proxy sidecar, so its traffic bypasses the mesh.`,
      fix: `kubectl label namespace ${client.namespace} istio-injection=enabled --overwrite && kubectl delete pod -n ${client.namespace} -l ${selector} (it is recreated with a sidecar).`,
    };
  }
  const waiting = pickWaitingPod(pods);
  if (waiting) return { name: 'client-ready', level: 'warn', summary: `Client ${describeProgress(waiting)}.`, fix: `Wait for it, or look: kubectl describe pod -n ${client.namespace} -l ${selector}` };
  return { name: 'client-ready', level: 'warn', summary: `No client pod (${selector}) in namespace "${client.namespace}" yet.`, fix: 'The setup lesson deploys it.' };
}

function failed(name: CheckName, err: unknown): CheckResult {
  const message = err instanceof ClusterError ? err.message : String(err);
  return { name, level: 'fail', summary: `Could not check: ${message}` };
}

export async function runPreflight(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult[]> {
  const wanted = options.checks ?? ALL_CHECKS;
  const memo: Memo = {};
  const results: CheckResult[] = [];
  let reachable = true;
  if (wanted.includes('cluster-reachable')) {
    try {
      results.push(await checkReachable(deps, options));
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      reachable = false;
      results.push({ name: 'cluster-reachable', level: 'fail', summary: err instanceof ClusterError ? err.message : String(err), fix: 'Fix the connection first; the other checks need it.' });
    }
  }
  const runners: Partial<Record<CheckName, () => Promise<CheckResult>>> = {
    'istio-crds': () => checkCrds(deps, options),
    'istio-namespace': () => checkIstioNamespace(deps, options),
    'egress-gateway': () => checkEgressGateway(deps, options),
    'access-logging': () => checkAccessLogging(deps, memo, options),
    'sidecar-injection': () => checkInjection(deps, options),
    'outbound-policy': () => checkOutbound(deps, memo, options),
    permissions: () => checkPermissions(deps, options),
    'client-ready': () => checkClient(deps, options),
  };
  const rest = ALL_CHECKS.filter((name) => name !== 'cluster-reachable' && wanted.includes(name));
  const settled = await Promise.all(
    rest.map(async (name): Promise<CheckResult> => {
      if (!reachable) return { name, level: 'fail', summary: 'Not checked: the API server is not reachable.' };
      try {
        return await runners[name]!();
      } catch (err) {
        if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
        return failed(name, err);
      }
    }),
  );
  return [...results, ...settled];
}
