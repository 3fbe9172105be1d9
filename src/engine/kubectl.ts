// The kubectl commands equivalent to what a step does, for the learner to read or copy.

import { FIELD_MANAGER } from '../cluster/port.js';
import type { CheckName, Lang, ObjectRef, PodTarget, Step } from '../lesson/model.js';

export interface KubectlContext {
  namespace: string; // client namespace
  istioNamespace: string;
  /** The x-request-id the engine sent last time it ran this exec step, if it did. */
  requestId?: string;
  /** Language of the comment lines (default en). */
  lang?: Lang;
  /** The egress gateway pods the lessons use (the learner's own in `own` mode); default the Istio namespace's. */
  gateway?: PodTarget;
  /** The version each API group is served in (e.g. networking.istio.io → v1alpha3): manifests are shown as applied. */
  servedVersions?: Record<string, string>;
}

/** The manifest with each `apiVersion: group/version` of a served group rewritten to the served version. Pure. */
export function withServedVersions(yamlText: string, served: Record<string, string> | undefined): string {
  if (!served) return yamlText;
  return yamlText.replace(/^(\s*apiVersion:\s*["']?)([a-z0-9.-]+\.[a-z]+)\/([a-z0-9]+)(["']?\s*)$/gm, (all, before: string, group: string, _v: string, after: string) =>
    served[group] ? `${before}${group}/${served[group]}${after}` : all,
  );
}

const SAFE = /^[A-Za-z0-9_\-.,/:=@%+^]+$/;

/** Quote one argument for a POSIX shell. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function selector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** `deploy/curl` when the target is a plain `app=<name>` deployment, else a pod looked up by label. */
function podReference(target: PodTarget): string {
  const entries = Object.entries(target.labels);
  if (entries.length === 1 && entries[0][0] === 'app') return `deploy/${entries[0][1]}`;
  return `"$(kubectl get pod -l ${shellQuote(selector(target.labels))} -n ${target.namespace} -o jsonpath='{.items[0].metadata.name}')"`;
}

/** The name kubectl resolves without ambiguity: `gateway.networking.istio.io`, never plain `gateway`. */
export function resourceName(ref: ObjectRef): string {
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const kind = ref.kind.toLowerCase();
  return group === '' || group === 'apps' ? kind : `${kind}.${group}`;
}

// `gw` is Istio's own short name and `gtw` the Gateway API's; only plain `gateway` names both
// kinds once the Gateway API CRDs are installed (lesson 04, step gw-vs-gtw).
const GATEWAY_NAME_NOTE: Record<Lang, string> = {
  en: '# gateway.networking.istio.io (short name gw), not plain "gateway": with the Gateway API CRDs installed, "gateway" is ambiguous (the Gateway API\'s short name is gtw).',
  zh: '# 使用 gateway.networking.istio.io（简称 gw），不要只写 "gateway"：安装了 Gateway API CRD 后，"gateway" 有歧义（Gateway API 的简称是 gtw）。',
};

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

function checkCommand(check: CheckName, ctx: KubectlContext, client: PodTarget | undefined): string {
  const mesh = `kubectl get configmap istio -n ${ctx.istioNamespace} -o jsonpath='{.data.mesh}'`;
  switch (check) {
    case 'cluster-reachable':
      return 'kubectl cluster-info';
    case 'istio-crds':
      return 'kubectl api-resources --api-group=networking.istio.io';
    case 'istio-namespace':
      return `kubectl get namespace ${ctx.istioNamespace}`;
    case 'egress-gateway':
      return `kubectl get pods,services -l ${shellQuote(selector(ctx.gateway?.labels ?? { istio: 'egressgateway' }))} -n ${ctx.gateway?.namespace ?? ctx.istioNamespace} -o wide`;
    case 'shared-gateway':
      return `kubectl get gateways.networking.istio.io -A -l app.kubernetes.io/managed-by=${FIELD_MANAGER}`;
    case 'access-logging':
      return `${mesh} | grep accessLogFile; kubectl get telemetries.telemetry.istio.io -A`;
    case 'sidecar-injection':
      return `kubectl get namespace ${ctx.namespace} --show-labels`;
    case 'outbound-policy':
      return `${mesh} | grep -A1 outboundTrafficPolicy`;
    case 'permissions':
      return `kubectl auth can-i create gateways.networking.istio.io -n ${ctx.namespace}`;
    case 'dataplane-mode':
      return `kubectl get namespace ${ctx.namespace} -L istio.io/dataplane-mode; kubectl get pods -l app=ztunnel -n ${ctx.istioNamespace}`;
    case 'client-ready':
      return `kubectl get pods -l ${shellQuote(selector(client?.labels ?? { app: 'curl' }))} -n ${client?.namespace ?? ctx.namespace}`;
    case 'network-policy-enforced':
      return 'kubectl get daemonsets -n kube-system';
    case 'gateway-secrets':
      return `kubectl auth can-i create secrets -n ${ctx.gateway?.namespace ?? ctx.istioNamespace}`;
    case 'ambient-mode':
      return `kubectl get daemonset ztunnel -n ${ctx.istioNamespace}; kubectl get namespace ${ctx.namespace} -L istio.io/dataplane-mode,istio-injection`;
    case 'gateway-api-crds':
      return 'kubectl api-resources --api-group=gateway.networking.k8s.io';
    case 'route-visibility':
      return `kubectl get configmap istio -n ${ctx.istioNamespace} -o jsonpath='{.data.mesh}' | grep -A1 defaultVirtualServiceExportTo`;
    case 'gateway-api-tls':
      return `kubectl api-resources --api-group=gateway.networking.k8s.io | grep TLSRoute; kubectl get deployment istiod -n ${ctx.istioNamespace} -o jsonpath='{.spec.template.spec.containers[0].env}' | grep PILOT_ENABLE_ALPHA_GATEWAY_API`;
  }
}

/** Commands for one step. `client` is the client pod target (for the client-ready check). */
export function kubectlCommands(step: Step, ctx: KubectlContext, client?: PodTarget): string[] {
  switch (step.kind) {
    case 'explain':
      return [];
    case 'apply': {
      const commands = step.manifests.map(
        (m) => `kubectl apply --server-side --field-manager=${FIELD_MANAGER} -n ${ctx.namespace} -f - <<EOF\n${withServedVersions(m.yaml, ctx.servedVersions).replace(/\n+$/, '')}\nEOF`,
      );
      if (step.waitFor)
        commands.push(`kubectl wait --for=condition=Ready pod -l ${shellQuote(selector(step.waitFor.labels))} -n ${step.waitFor.namespace} --timeout=180s`);
      return commands;
    }
    case 'delete': {
      const lines = step.objects.map((ref) => {
        const ns = CLUSTER_SCOPED.has(ref.kind) ? '' : ` -n ${ref.namespace ?? ctx.namespace}`;
        return `kubectl delete ${resourceName(ref)} ${ref.name}${ns}`;
      });
      if (step.objects.some((r) => r.kind === 'Gateway' && r.apiVersion.startsWith('networking.istio.io/')))
        lines.unshift(GATEWAY_NAME_NOTE[ctx.lang ?? 'en']);
      return lines;
    }
    case 'exec': {
      const argv = ctx.requestId && step.tagRequest ? withRequestId(step.command, ctx.requestId) : step.command;
      return [`kubectl exec ${podReference(step.target)} -c ${step.target.container} -n ${step.target.namespace} -- ${argv.map(shellQuote).join(' ')}`];
    }
    case 'logs':
      return [`kubectl logs -f -l ${shellQuote(selector(step.target.labels))} -c ${step.target.container} -n ${step.target.namespace}`];
    case 'check':
      return step.checks.map((c) => checkCommand(c, ctx, client));
  }
}

/** A curl argv with `-H "x-request-id: <id>"` added right after the program; other commands unchanged. */
export function withRequestId(argv: string[], requestId: string): string[] {
  const program = argv[0]?.split('/').pop();
  if (program !== 'curl') return argv;
  return [argv[0], '-H', `x-request-id: ${requestId}`, ...argv.slice(1)];
}
