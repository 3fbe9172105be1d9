// The explainer in the engine: once a verification has failed for good, read the objects the
// client can see (the port's mesh facts, every namespace when allowed) and ask src/explain what
// made Envoy do what it did; its findings go before the generic hint, and the first finding's
// patch is what `f` makes (applyExplainFix) after the learner confirms.

import type { MeshFacts } from '../cluster/port.js';
import { explain, inputFromFacts, mergePatch, renderFindings, type Finding, type FixPatch } from '../explain/index.js';
import type { ExecStep, KubeObject, Lang } from '../lesson/model.js';
import { matchesExpectation, parseAccessLogLine, type AccessLogFields } from '../verify/access-log.js';
import type { CurlOutcome } from '../verify/curl.js';
import { gatewayTarget } from './gateway.js';
import { clientTarget, type RunContext } from './runners.js';
import { pick, type LocalVerdict } from './state.js';
import { isCancelled } from './util.js';

/** The mesh facts with every namespace's objects; undefined when they cannot be read. */
export async function wideFacts(ctx: RunContext): Promise<MeshFacts | undefined> {
  try {
    return await ctx.port.meshFacts({ clientNamespace: ctx.namespace, istioNamespace: ctx.istioNamespace, signal: ctx.signal, client: clientTarget(ctx.lessons, ctx.namespace), gateway: gatewayTarget(ctx.lessons), wide: true });
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
    return undefined;
  }
}

/**
 * The client sidecar's line of a tagged request, read from its log's tail after the fact (a short,
 * bounded follow): the explainer can then say which flags and route the sidecar logged. Needs
 * only `get pods/log` in the client namespace; nothing when the line is not there in time.
 */
export async function clientSidecarLines(ctx: RunContext, exec: ExecStep, requestId: string | undefined, waitMs = 1_200): Promise<AccessLogFields[] | undefined> {
  if (!requestId) return undefined;
  const found: AccessLogFields[] = [];
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop.abort(), waitMs);
  try {
    await ctx.port.followLogs(
      { ...exec.target, container: 'istio-proxy' },
      {
        signal: stop.signal,
        tailLines: 50,
        onLine: (line) => {
          const fields = parseAccessLogLine(line.text);
          if (fields && matchesExpectation(fields, {}, { requestId })) {
            found.push(fields);
            stop.abort();
          }
        },
      },
    );
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
  return found.length ? found : undefined;
}

export interface Observed {
  curl?: CurlOutcome;
  /** The log followed was this waypoint's (ambient mode). */
  waypoint?: { namespace: string; name: string };
  gatewayLines?: AccessLogFields[];
  gatewayLogFollowed?: boolean;
  clientPod?: string;
  clientLines?: AccessLogFields[];
}

/** The findings for the request `exec` sent, from the facts and what was observed. */
export function findingsFor(ctx: RunContext, exec: ExecStep, facts: MeshFacts | undefined, seen: Observed): Finding[] {
  if (!facts || exec.expectFailure) return []; // an experiment that should fail is the leftovers' business
  const gw = gatewayTarget(ctx.lessons);
  const host = ctx.lessons.values.gatewayHost ?? `istio-egressgateway.${ctx.istioNamespace}.svc.cluster.local`;
  const input = inputFromFacts({
    facts,
    argv: exec.command,
    clientNamespace: ctx.namespace,
    istioNamespace: ctx.istioNamespace,
    gateway: { namespace: gw.pods.namespace, labels: gw.pods.labels, host },
    lesson: ctx.lesson.id,
    ...seen,
  });
  return input ? explain(input) : [];
}

/** The findings as text, before the generic hint. */
export function withFindings(findings: Finding[], hint: string, lang: Lang): string {
  if (findings.length === 0) return hint;
  return `${renderFindings(findings, lang)}\n${hint}`;
}

/** Remember the fix `f` makes: the first finding's (the one that decided the result). */
export function offerFix(ctx: RunContext, findings: Finding[]): void {
  const patch = findings[0]?.patch;
  if (patch) ctx.state.explainFix = patch;
}

/**
 * A verdict that already names its cause (drift: `f` re-applies the lesson's version) with the
 * findings added after it: what Envoy did because of the change, and the commands to see it.
 */
export async function explained(ctx: RunContext, exec: ExecStep, verdict: LocalVerdict, seen: Observed): Promise<LocalVerdict> {
  const findings = findingsFor(ctx, exec, await wideFacts(ctx), seen);
  if (findings.length === 0) return verdict;
  const add = (lang: Lang) => `${pick(verdict.diagnosis, lang) ?? ''}\n${renderFindings(findings, lang)}`.replace(/^\n/, '');
  return { ...verdict, diagnosis: { en: add('en'), zh: add('zh') } };
}

/** Make the fix through the port: a merge patch applied over the live object, a new object, a deletion. Returns an error sentence, or undefined. */
export async function makeFix(ctx: RunContext, fix: FixPatch, stepId: string): Promise<string | undefined> {
  const lesson = ctx.lesson.id;
  if (fix.op === 'create') {
    const outcomes = await ctx.port.apply([structuredClone(fix.object)], { lesson, step: stepId, namespace: ctx.namespace, takeOver: true, signal: ctx.signal });
    return failure(outcomes);
  }
  if (fix.op === 'delete') {
    const outcomes = ctx.port.deleteObjects ? await ctx.port.deleteObjects([fix.ref], { signal: ctx.signal, waitMs: 30_000 }) : await ctx.port.delete([fix.ref], { namespace: ctx.namespace, signal: ctx.signal, waitMs: 30_000 });
    const bad = outcomes.find((o) => o.result === 'error' || o.result === 'not-ours');
    return bad ? (bad.message ?? bad.result) : undefined;
  }
  if (!ctx.port.getObject) return ctx.m.fixNotApplied(fix.ref.kind);
  const live = await ctx.port.getObject(fix.ref, ctx.signal);
  if (!live) return ctx.m.fixNotApplied(`${fix.ref.kind}/${fix.ref.name}`);
  const merged = mergePatch(live, fix.patch) as KubeObject;
  // Only what an apply may carry: the name, namespace and labels (a patch may add one), and the patched spec.
  const object: KubeObject = { apiVersion: live.apiVersion, kind: live.kind, metadata: { name: live.metadata.name, namespace: live.metadata.namespace, ...(merged.metadata?.labels ? { labels: merged.metadata.labels } : {}) }, spec: merged.spec };
  const outcomes = await ctx.port.apply([object], { lesson: live.metadata.labels?.['egress-tutorial.dev/lesson'] ?? lesson, step: live.metadata.labels?.['egress-tutorial.dev/step'] ?? stepId, namespace: ctx.namespace, takeOver: true, signal: ctx.signal });
  return failure(outcomes);
}

function failure(outcomes: { result: string; message?: string }[]): string | undefined {
  const bad = outcomes.find((o) => o.result === 'error' || o.result === 'conflict');
  return bad ? (bad.message ?? bad.result) : undefined;
}
