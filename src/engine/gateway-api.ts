// The Gateway API objects a lesson applied before a step, read back live, so a failed
// verification can say what their status says (src/verify/gateway-api-status.ts) instead of the
// Istio-API advice. Nothing when the lesson applied none or the port cannot read objects.
import { gatewayApiStatusProblem, type GatewayApiLive } from '../verify/gateway-api-status.js';
import { appliedBefore } from './drift.js';
import { isCancelled } from './util.js';
import type { RunContext } from './runners.js';
import type { Lang, Step } from '../lesson/model.js';

const GROUP = 'gateway.networking.k8s.io/';

export async function gatewayApiProblem(ctx: RunContext, step: Step): Promise<((lang: Lang) => string | undefined) | undefined> {
  const getObject = ctx.port.getObject?.bind(ctx.port);
  if (!getObject) return undefined;
  const applied = appliedBefore(ctx.lesson, step).flatMap((s) => s.manifests.flatMap((m) => m.objects)).filter((o) => o.apiVersion.startsWith(GROUP));
  if (applied.length === 0) return undefined;
  const live: GatewayApiLive[] = [];
  for (const o of applied) {
    try {
      const got = await getObject({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? ctx.namespace }, ctx.signal);
      if (got) live.push({ kind: got.kind, name: got.metadata.name, namespace: got.metadata.namespace, status: (got as { status?: GatewayApiLive['status'] }).status });
    } catch (error) {
      if (isCancelled(error, ctx.signal)) throw error;
    }
  }
  return (lang) => gatewayApiStatusProblem(live, lang);
}
