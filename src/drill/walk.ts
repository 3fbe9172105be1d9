// The drill walk over the cluster port: set up the prerequisites and the broken objects, probe
// (the request and the log lines it leaves), verify by traffic and the gateway log, clean up.
// No UI here: the CLI and the drill screen both drive these functions.

import { randomUUID } from 'node:crypto';
import { ClusterError, type ClusterPort, type DeleteOutcome, type LogLine, type MeshFacts } from '../cluster/port.js';
import { withRequestId } from '../engine/kubectl.js';
import { clientTarget } from '../engine/runners.js';
import { errorSentence, hostOf, isCancelled, sleep } from '../engine/util.js';
import type { ApplyStep, KubeObject, Lang, LessonSet, PodTarget } from '../lesson/model.js';
import { checkExecExpectation } from '../verify/expect.js';
import { matchesExpectation, parseAccessLogLine, type AccessLogFields } from '../verify/access-log.js';
import { describeCurl, parseCurlOutput, type CurlOutcome } from '../verify/curl.js';
import { diagnose } from '../verify/diagnose.js';
import { drillMessages } from './messages.js';
import { drillLabel, type Drill } from './model.js';

export interface DrillContext {
  port: ClusterPort;
  lessons: LessonSet;
  drills: Drill[];
  namespace: string;
  istioNamespace: string;
  lang: Lang;
  signal?: AbortSignal;
  /** How long verify retries while Istio pushes the learner's change (default 20 s). */
  verifyTimeoutMs?: number;
  /** How long a probe waits for the request's log lines after the request (default 2 s). */
  logWaitMs?: number;
  /** Progress sentences ("applying 3 objects", "waiting for pod …"). */
  onProgress?: (text: string) => void;
}

/** A log line of the probed request, parsed. */
export interface ProbeLine {
  line: LogLine;
  fields: AccessLogFields;
}

/** One request and what it left behind. */
export interface Probe {
  command: string[]; // as sent (with the x-request-id header when tagged)
  pod: string;
  stdout: string;
  stderr: string;
  curl: CurlOutcome;
  /** One line: "HTTP 503", "curl exit 35 (…)". */
  outcome: string;
  gatewayLines: ProbeLine[];
  sidecarLines: ProbeLine[];
  requestId?: string;
  startedAt: number;
}

export interface DrillCheck {
  ok: boolean;
  summary: string;
  /** Why it still fails and what to look at (src/verify's diagnosis); only when not ok. */
  diagnosis?: string;
  probe: Probe;
  /** The gateway line that proves the fix. */
  proofLine?: LogLine;
  attempts: number;
}

const POD_WAIT_MS = 180_000;
const SIGNAL = new AbortController().signal; // never aborts

const namespacesOf = (ctx: DrillContext): string[] => [...new Set([ctx.namespace, ctx.istioNamespace])];

/** Lessons whose objects would change what a drill shows: lessons 3–5 and every drill. */
function interferingLabels(ctx: DrillContext): string[] {
  return [...ctx.lessons.lessons.filter((l) => /^0[3-5]-/.test(l.id)).map((l) => l.id), ...ctx.drills.map((d) => drillLabel(d.name))];
}

async function applyStep(ctx: DrillContext, step: ApplyStep, lesson: string): Promise<void> {
  const m = drillMessages(ctx.lang);
  const objects: KubeObject[] = step.manifests.flatMap((mf) => mf.objects).map((o) => structuredClone(o));
  ctx.onProgress?.(m.applying(objects.length, lesson));
  const outcomes = await ctx.port.apply(objects, { lesson, step: step.id, namespace: ctx.namespace, signal: ctx.signal });
  const bad = outcomes.filter((o) => o.result === 'error' || o.result === 'conflict');
  if (bad.length > 0) throw new ClusterError(m.applyFailed(bad.map((b) => `${b.ref.kind}/${b.ref.name}: ${b.message ?? b.result}`).join('; ')), 'conflict');
  if (step.waitFor) {
    ctx.onProgress?.(m.waitingForClient);
    await ctx.port.waitForPod(step.waitFor, { timeoutMs: POD_WAIT_MS, signal: ctx.signal, onProgress: ctx.onProgress });
  }
}

/** Remove what would interfere, set up the required lessons' objects (the client), then the broken setup. */
export async function setUpDrill(ctx: DrillContext, drill: Drill): Promise<DeleteOutcome[]> {
  const m = drillMessages(ctx.lang);
  const removed: DeleteOutcome[] = [];
  for (const label of interferingLabels(ctx)) {
    const managed = await ctx.port.listManaged({ lesson: label, namespaces: namespacesOf(ctx) }, ctx.signal);
    if (managed.length === 0) continue;
    ctx.onProgress?.(m.removingLeftovers(label));
    removed.push(...(await ctx.port.deleteManaged({ lesson: label, namespaces: namespacesOf(ctx) }, { signal: ctx.signal, waitMs: 60_000 })));
  }
  for (const id of drill.requires) {
    const lesson = ctx.lessons.lessons.find((l) => l.id === id);
    for (const step of lesson?.steps ?? []) if (step.kind === 'apply') await applyStep(ctx, step, id);
  }
  if (drill.base) await applyStep(ctx, drill.base, drillLabel(drill.name));
  if (drill.fault) await applyStep(ctx, drill.fault, drillLabel(drill.name));
  return removed;
}

/** Delete the drill's objects (the client stays: it is lesson 2's). */
export async function cleanUpDrill(ctx: DrillContext, drill: Drill): Promise<DeleteOutcome[]> {
  ctx.onProgress?.(drillMessages(ctx.lang).cleaning);
  return ctx.port.deleteManaged({ lesson: drillLabel(drill.name), namespaces: namespacesOf(ctx) }, { signal: ctx.signal, waitMs: 60_000 });
}

/** The client's sidecar: the same pods as the request's target, its istio-proxy container. */
const sidecarOf = (target: PodTarget): PodTarget => ({ ...target, container: 'istio-proxy' });

/** Run the drill's request once, following the gateway's and the client sidecar's logs around it. */
export async function probe(ctx: DrillContext, drill: Drill): Promise<Probe> {
  const signal = ctx.signal ?? SIGNAL;
  const step = drill.request;
  const pod = await ctx.port.waitForPod(step.target, { timeoutMs: 10_000, signal });
  const requestId = step.tagRequest ? `egress-tutorial-${randomUUID()}` : undefined;
  const command = requestId ? withRequestId(step.command, requestId) : step.command;
  const follow = new AbortController();
  const stopFollowing = () => follow.abort();
  signal.addEventListener('abort', stopFollowing, { once: true });
  const gateway: LogLine[] = [];
  const sidecar: LogLine[] = [];
  const follows = [
    drill.proof ? ctx.port.followLogs(drill.proof.target, { signal: follow.signal, tailLines: 0, onLine: (l) => gateway.push(l) }).catch(() => undefined) : Promise.resolve(),
    ctx.port.followLogs(sidecarOf(step.target), { signal: follow.signal, tailLines: 0, onLine: (l) => sidecar.push(l) }).catch(() => undefined),
  ];
  const startedAt = Date.now();
  try {
    // Let the streams open before the request, so its lines are not missed.
    await sleep(150, signal);
    let stdout = '';
    let stderr = '';
    let exitCode: number;
    try {
      const result = await ctx.port.exec(pod, step.target.container, command, { signal, timeoutMs: 30_000 });
      ({ stdout, stderr, exitCode } = result);
    } catch (error) {
      if (isCancelled(error, signal) || !(error instanceof ClusterError && error.reason === 'timeout')) throw error;
      stderr = `${errorSentence(error)}\n`;
      exitCode = 28;
    }
    const curl = parseCurlOutput(stdout, stderr, exitCode);
    // TLS lines carry no request id: on a shared gateway, other learners' lines of the same
    // moment are told apart by the client's address (the gateway logs it as the downstream).
    const fromClient = (f: AccessLogFields): boolean => !pod.ip || !f.downstreamRemoteAddress || f.requestId !== undefined || f.downstreamRemoteAddress.split(':')[0] === pod.ip;
    const ofRequest = (lines: LogLine[], gatewaySide: boolean): ProbeLine[] =>
      lines
        .map((line) => ({ line, fields: parseAccessLogLine(line.text) }))
        .filter((p): p is ProbeLine => p.fields !== undefined && matchesExpectation(p.fields, {}, { requestId, notBeforeMs: startedAt, slackMs: 500 }) && (!gatewaySide || fromClient(p.fields)));
    // Lines arrive a little after the response: wait for them, but not forever (there may be none).
    const waitUntil = Date.now() + (ctx.logWaitMs ?? 2000);
    while (Date.now() < waitUntil && !signal.aborted) {
      const haveGateway = !drill.proof || ofRequest(gateway, true).length > 0;
      if (haveGateway && ofRequest(sidecar, false).length > 0) break;
      await sleep(100, signal);
    }
    return { command, pod: pod.name, stdout, stderr, curl, outcome: describeCurl(curl), gatewayLines: ofRequest(gateway, true), sidecarLines: ofRequest(sidecar, false), requestId, startedAt };
  } finally {
    signal.removeEventListener('abort', stopFollowing);
    follow.abort();
    await Promise.all(follows);
  }
}

/** Does the probe show the drill's documented symptom? */
export function showsSymptom(drill: Drill, p: Probe): boolean {
  const s = drill.symptom;
  if (s.httpStatus !== undefined && p.curl.httpStatus !== s.httpStatus) return false;
  const exits = s.exitCode === undefined ? [0] : Array.isArray(s.exitCode) ? s.exitCode : [s.exitCode];
  if (!exits.includes(p.curl.exitCode)) return false;
  if (s.gatewayLine !== p.gatewayLines.length > 0) return false;
  if (s.responseFlags && (flagsOf(p) ?? '').split(',').sort().join(',') !== s.responseFlags.split(',').sort().join(',')) return false;
  return true;
}

/**
 * The symptom right after the setup: on a real cluster Istio takes a moment to push the broken
 * objects, so probe again until the documented symptom shows (or `timeoutMs` passes; then the last probe).
 */
export async function probeSymptom(ctx: DrillContext, drill: Drill, timeoutMs = 10_000): Promise<{ probe: Probe; asDocumented: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await probe(ctx, drill);
    if (showsSymptom(drill, p)) return { probe: p, asDocumented: true };
    if (Date.now() >= deadline || ctx.signal?.aborted) return { probe: p, asDocumented: false };
    await sleep(1000, ctx.signal ?? SIGNAL);
  }
}

/** The flags of the request's first line: the gateway's, else the sidecar's (undefined when "-"). */
export function flagsOf(p: Probe): string | undefined {
  return (p.gatewayLines[0] ?? p.sidecarLines[0])?.fields.responseFlags;
}

async function safeFacts(ctx: DrillContext): Promise<MeshFacts | undefined> {
  try {
    return await ctx.port.meshFacts({ clientNamespace: ctx.namespace, istioNamespace: ctx.istioNamespace, signal: ctx.signal, client: clientTarget(ctx.lessons, ctx.namespace) });
  } catch {
    return undefined;
  }
}

/** Does one probe pass: the request's expectation, and the proof line in the gateway's log? */
function judge(drill: Drill, p: Probe, lang: Lang): { ok: boolean; mismatch?: string; proofLine?: LogLine } {
  const check = checkExecExpectation(drill.request.expect, p.curl, p.stdout, lang);
  if (!check.ok) return { ok: false, mismatch: check.mismatch };
  if (!drill.proof) return { ok: true };
  const proof = p.gatewayLines.find((g) => matchesExpectation(g.fields, drill.proof!.expect, { requestId: p.requestId, notBeforeMs: p.startedAt }));
  if (!proof) return { ok: false, mismatch: drillMessages(lang).noProofLine };
  return { ok: true, proofLine: proof.line };
}

/**
 * Verify the learner's fix by traffic: retry the request (Istio pushes configuration in a second
 * or two) until it passes or time runs out; then diagnose from the last probe and the mesh facts.
 */
export async function verifyDrill(ctx: DrillContext, drill: Drill): Promise<DrillCheck> {
  const m = drillMessages(ctx.lang);
  const signal = ctx.signal ?? SIGNAL;
  const deadline = Date.now() + (ctx.verifyTimeoutMs ?? 20_000);
  let attempts = 0;
  for (;;) {
    attempts++;
    ctx.onProgress?.(m.verifying(attempts));
    const p = await probe(ctx, drill);
    const verdict = judge(drill, p, ctx.lang);
    if (verdict.ok) return { ok: true, summary: drill.proof ? m.passed(p.outcome) : m.passedNoGateway(p.outcome), probe: p, proofLine: verdict.proofLine, attempts };
    if (Date.now() >= deadline || signal.aborted) {
      const facts = await safeFacts(ctx);
      const missingLogLine = verdict.mismatch === m.noProofLine;
      const diagnosis = diagnose({
        curl: p.curl,
        expect: drill.request.expect,
        ...(missingLogLine && drill.proof ? { logExpect: drill.proof.expect, missingLogLine: true } : {}),
        facts,
        gatewayLines: p.gatewayLines.map((l) => l.fields),
        clientLines: p.sidecarLines.map((l) => l.fields),
        host: hostOf(drill.request.command),
        clientNamespace: ctx.namespace,
        istioNamespace: ctx.istioNamespace,
        lang: ctx.lang,
      });
      return { ok: false, summary: m.stillFailing(verdict.mismatch ?? p.outcome), diagnosis, probe: p, attempts };
    }
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())), signal);
  }
}
