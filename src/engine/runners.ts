// What run() does for each step kind. Each runner gets a context with the port, the step's live
// state and an abort signal; it returns the verdict. The engine turns throws into verdicts.

import { randomUUID } from 'node:crypto';
import { gatewayApiProblem } from './gateway-api.js';
import { ClusterError, type ApplyOutcome, type ClusterPort, type LogLine, type MeshFacts, type PodInfo } from '../cluster/port.js';
import type { ApplyStep, CheckStep, DeleteStep, ExecStep, Lang, Lesson, LessonSet, LogsStep, ObjectRef, PodTarget } from '../lesson/model.js';
import { addressIp, isOthersProof, matchesExpectation, parseAccessLogLine, type AccessLogFields, type MatchContext } from '../verify/access-log.js';
import { parseCurlOutput, describeCurl, type CurlOutcome } from '../verify/curl.js';
import { diagnose } from '../verify/diagnose.js';
import { checkExecExpectation } from '../verify/expect.js';
import { detectDrift, driftVerdict } from './drift.js';
import { describeLeftovers, findLeftovers, leftoverSignature } from './leftovers.js';
import { clientSidecarLines, explained, findingsFor, offerFix, wideFacts, withFindings } from './explain.js';
import { withRequestId } from './kubectl.js';
import { gatewayClaims, gatewayTarget } from './gateway.js';
import { inBoth, type EngineMessages } from './messages.js';
import { changesPods, podLabelsOf, type PodCache } from './pod-cache.js';
import { Ring } from './ring.js';
import { pick, type LiveStepState, type LocalVerdict, type Text } from './state.js';
import { errorSentence, errorText, hostOf, isCancelled, labelSelector, lessonCreating, portText, sleep } from './util.js';

/** What an exec step sent, so a later logs step can find the request in the gateway's log. */
export interface RequestRecord {
  requestId?: string;
  startedAt: number;
  /** When the command returned: its access-log line is due about a second later, and a connection logged after it is a later one. */
  finishedAt?: number;
  /** The client pod's IP: the gateway's line names it as the downstream remote address. */
  clientIp?: string;
  host?: string;
  curl?: CurlOutcome;
  /** Additive (the trace): the client pod that sent it (its sidecar's lines are the only ones joined), and the URL's scheme and port. */
  pod?: string;
  tls?: boolean;
  port?: number;
}

export interface RunContext {
  port: ClusterPort;
  /** The learner's language now, and its sentences. */
  lang: Lang;
  m: EngineMessages;
  lessons: LessonSet;
  lesson: Lesson;
  state: LiveStepState;
  signal: AbortSignal;
  namespace: string;
  istioNamespace: string;
  verifyTimeoutMs: number;
  /** See EngineOptions.logLineGraceMs. */
  logLineGraceMs?: number;
  now: () => number;
  changed: () => void;
  /** Requests made by exec steps, keyed `${lessonId}/${stepId}`. */
  requests: Map<string, RequestRecord>;
  /** When the engine started (lines before it are from earlier sessions). */
  startedAt: number;
  takeOver?: boolean;
  /** Called when a logs step finds its proof after its verdict already failed (it keeps following). */
  onLatePass?: (verdict: LocalVerdict) => void;
  /** The x-request-id the next run of an exec step sends (the one its printed command already shows). */
  takeRequestId?: (key: string) => string;
  /** Requests a logs step has already looked for (keyed by the step and the request): its retry sends a new request instead. */
  lookedFor?: Set<string>;
  /** The session's exec pods, so each step does not list pods again. */
  pods?: PodCache;
}

/** Envoy writes its access log file every second (pilot-agent starts it with --file-flush-interval-msec 1000). */
export const ACCESS_LOG_FLUSH_MS = 1_000;
/** How long after the request finished a missing log line counts as missing (the line keeps being looked for). */
export const LOG_LINE_GRACE_MS = ACCESS_LOG_FLUSH_MS + 4_000;

const POD_WAIT_MS = 180_000;
const FIND_POD_MS = 5_000;
const DELETE_WAIT_MS = 60_000;

function setActivity(ctx: RunContext, text: Text | undefined): void {
  ctx.state.activity = text;
  ctx.changed();
}

function info(ctx: RunContext, text: Text, stream: 'info' | 'error' = 'info'): void {
  ctx.state.write(stream, text);
  ctx.changed();
}

const refName = (ref: { kind: string; name: string; namespace?: string }): string => `${ref.kind}/${ref.name}${ref.namespace ? ` (${ref.namespace})` : ''}`;

/** "lesson 2 (Setup)": how a learner sees a lesson, by its number in the course and its title. */
export function lessonName(lessons: Lesson[], lesson: Lesson, m: EngineMessages, lang: Lang): string {
  return m.lessonName(lessons.indexOf(lesson) + 1, lesson.title[lang]);
}

export async function runApply(ctx: RunContext, step: ApplyStep): Promise<LocalVerdict> {
  const objects = step.manifests.flatMap((m) => m.objects).map((o) => structuredClone(o));
  setActivity(ctx, inBoth((m) => m.applying(objects.length)));
  const done: ApplyOutcome[] = [];
  let outcomes: ApplyOutcome[];
  try {
    outcomes = await ctx.port.apply(objects, { lesson: ctx.lesson.id, step: step.id, namespace: ctx.namespace, takeOver: ctx.takeOver, signal: ctx.signal, onOutcome: (o) => done.push(o) });
  } catch (error) {
    // Interrupted halfway (Ctrl+C, Esc): say what is already in the cluster and how to remove it.
    const changed = done.filter((o) => o.result === 'created' || o.result === 'configured');
    if (!isCancelled(error, ctx.signal) || changed.length === 0) throw error;
    ctx.state.applied = done;
    const cleanup = ctx.lesson.steps.find((s) => s.kind === 'delete');
    return { ok: false, summary: inBoth((m) => m.interruptedApply(changed.map((o) => refName(o.ref)))), diagnosis: inBoth((m) => m.removeInterrupted(ctx.lesson.id, cleanup?.id)) };
  }
  ctx.state.applied = outcomes;
  // A workload whose pods no target selects (the learner's own gateway beside the client) keeps the client's pod.
  for (const [i, o] of outcomes.entries()) {
    if (!changesPods(o.ref.kind)) continue;
    const labels = objects[i] ? podLabelsOf(objects[i]) : undefined;
    const namespace = o.ref.namespace ?? ctx.namespace;
    if (labels && o.ref.kind !== 'Namespace') ctx.pods?.forgetMatching(namespace, labels);
    else ctx.pods?.forgetNamespace(o.ref.kind === 'Namespace' ? o.ref.name : namespace);
  }
  for (const [i, o] of outcomes.entries()) {
    const authored = objects[i]?.apiVersion;
    info(ctx, inBoth((m, lang) => `${refName(o.ref)}: ${m.resultWord(o.result)}${authored && o.ref.apiVersion !== authored ? m.servedAs(o.ref.apiVersion) : ''}${o.message ? ` — ${portText(o, lang)}` : ''}`), o.result === 'error' ? 'error' : 'info');
  }
  const conflicts = outcomes.filter((o) => o.result === 'conflict');
  if (conflicts.length > 0) {
    ctx.state.phase = 'conflict';
    return { ok: false, summary: inBoth((m) => m.conflictSummary(conflicts.map((c) => refName(c.ref)))), diagnosis: inBoth((m) => m.conflictAdvice) };
  }
  const errors = outcomes.filter((o) => o.result === 'error');
  if (errors.length > 0)
    return { ok: false, summary: inBoth((m) => m.applyErrors(errors.length, outcomes.length)), diagnosis: inBoth((_m, lang) => errors.map((e) => `${refName(e.ref)}: ${portText(e, lang) ?? 'error'}`).join('\n')) };

  let podName: string | undefined;
  if (step.waitFor) {
    const target = step.waitFor;
    setActivity(ctx, inBoth((m) => m.waitingForPod(labelSelector(target.labels), target.namespace)));
    const pod = await ctx.port.waitForPod(target, { timeoutMs: POD_WAIT_MS, signal: ctx.signal, onProgress: (m) => setActivity(ctx, m) });
    podName = pod.name;
    ctx.pods?.set(target, pod);
    // A pod that opted out of injection (a lesson's bypassing client) is meant to have none.
    if (!pod.hasSidecar && !pod.optedOut) info(ctx, inBoth((m) => m.noSidecar(pod.name, pod.namespace)), 'error');
  }
  const changedCount = outcomes.filter((o) => o.result !== 'unchanged').length;
  return { ok: true, summary: inBoth((m) => `${m.applied(outcomes.length, changedCount)}${podName ? m.podReady(podName) : ''}`) };
}

export async function runDelete(ctx: RunContext, step: DeleteStep): Promise<LocalVerdict> {
  setActivity(ctx, inBoth((m) => m.deleting(step.objects.length)));
  const outcomes = await ctx.port.delete(step.objects, { namespace: ctx.namespace, signal: ctx.signal, waitMs: DELETE_WAIT_MS });
  ctx.state.deleted = outcomes;
  forgetChangedPods(ctx, outcomes.map((o) => o.ref));
  for (const o of outcomes) info(ctx, inBoth((m, lang) => `${refName(o.ref)}: ${m.resultWord(o.result)}${o.message ? ` — ${portText(o, lang)}` : ''}`), o.result === 'error' ? 'error' : 'info');
  const errors = outcomes.filter((o) => o.result === 'error');
  if (errors.length > 0) return { ok: false, summary: inBoth((m) => m.deleteErrors(errors.length, outcomes.length)), diagnosis: inBoth((_m, lang) => errors.map((e) => portText(e, lang) ?? refName(e.ref)).join('\n')) };
  const deleted = outcomes.filter((o) => o.result === 'deleted').length;
  const notOurs = outcomes.filter((o) => o.result === 'not-ours').length;
  return { ok: true, summary: inBoth((m) => m.removed(deleted, notOurs)) };
}

/** Workloads the tutorial changed may have new pods: look them up again. */
function forgetChangedPods(ctx: RunContext, refs: ObjectRef[]): void {
  for (const ref of refs) if (changesPods(ref.kind)) ctx.pods?.forgetNamespace(ref.namespace ?? ctx.namespace);
}

async function findPod(ctx: RunContext, target: PodTarget): Promise<PodInfo | LocalVerdict> {
  const cached = ctx.pods?.get(target);
  if (cached) return cached;
  setActivity(ctx, inBoth((m) => m.lookingForPod(labelSelector(target.labels), target.namespace)));
  try {
    const pod = await ctx.port.waitForPod(target, { timeoutMs: FIND_POD_MS, signal: ctx.signal });
    ctx.pods?.set(target, pod);
    return pod;
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
    const creator = lessonCreating(ctx.lessons.lessons, target);
    const cause = errorSentence(error);
    const stepTitle = (lang: Lang) => creator?.lesson.steps.find((s) => s.id === creator.stepId)?.title[lang] ?? creator?.stepId ?? '';
    return {
      ok: false,
      summary: inBoth((m) => m.noReadyPod(labelSelector(target.labels), target.namespace)),
      diagnosis: creator ? inBoth((m, lang) => m.runLessonFirst(lessonName(ctx.lessons.lessons, creator.lesson, m, lang), stepTitle(lang), cause)) : cause,
    };
  }
}

/**
 * The objects an exec step relies on (the apply steps named in its `dependsOn`) that are not in
 * the cluster: without them its curl proves nothing (it may even pass, going straight out).
 */
export async function missingDependencies(ctx: RunContext, step: ExecStep): Promise<LocalVerdict | undefined> {
  const steps = (step.dependsOn ?? []).map((id) => ctx.lesson.steps.find((s) => s.id === id)).filter((s): s is ApplyStep => s?.kind === 'apply');
  if (steps.length === 0) return undefined;
  const wanted = steps.flatMap((s) => s.manifests.flatMap((mf) => mf.objects.map((o) => ({ step: s, ref: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? ctx.namespace } as ObjectRef }))));
  // Applied by this session and not deleted since (reset and cleanup go through the port): no read.
  if (ctx.port.heldBySession?.(wanted.map((w) => w.ref))) return undefined;
  // Only the kinds and namespaces of the objects relied on (a list per kind and namespace).
  const namespaces = [...new Set(wanted.map((w) => w.ref.namespace ?? ctx.namespace))];
  const kinds = [...new Set(wanted.map((w) => w.ref.kind))];
  let managed: ObjectRef[];
  try {
    managed = await ctx.port.listManaged({ lesson: ctx.lesson.id, namespaces, kinds }, ctx.signal);
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
    return undefined; // cannot tell: let the step run rather than block it
  }
  const same = (a: { kind: string; name: string; namespace?: string }, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? ctx.namespace) === (b.namespace ?? ctx.namespace);
  let missing = wanted.filter((w) => !managed.some((m) => same(m, w.ref)));
  if (missing.length > 0) {
    // Objects the learner kept when the tutorial found them (skip on a conflict) are not labelled as the tutorial's.
    const facts = await safeFacts(ctx);
    if (facts) missing = missing.filter((w) => !facts.objects.some((o) => same(o, w.ref)));
  }
  if (missing.length === 0) return undefined;
  const stepTitles = (lang: Lang) => [...new Set(missing.map((w) => w.step))].map((s) => s.title[lang]);
  return {
    ok: false,
    summary: inBoth((m) => m.reliesOn(missing.map((w) => `${w.ref.kind}/${w.ref.name}`))),
    diagnosis: inBoth((m, lang) => m.reliesOnFix(stepTitles(lang))),
  };
}

/** "Not propagated yet" vs "wrong": did the outcome still vary over the later half of the attempts? */
export function stillChanging(outcomes: string[]): boolean {
  const recent = outcomes.slice(Math.floor((outcomes.length - 1) / 2));
  return recent.length > 1 && new Set(recent).size > 1;
}

function backoffMs(attempt: number): number {
  return Math.min(2000, 250 * 2 ** (attempt - 1));
}

async function safeFacts(ctx: RunContext): Promise<MeshFacts | undefined> {
  try {
    return await ctx.port.meshFacts({ clientNamespace: ctx.namespace, istioNamespace: ctx.istioNamespace, signal: ctx.signal, client: clientTarget(ctx.lessons, ctx.namespace), gateway: gatewayTarget(ctx.lessons) });
  } catch {
    return undefined;
  }
}

interface SentRequest {
  record: RequestRecord;
  curl: CurlOutcome;
  stdout: string;
}

/**
 * sendOnce in the session's pod; when that pod is gone (replaced since it was found), find the
 * current one and send there instead: the cached pod must never turn into a failed step.
 */
async function sendInPod(ctx: RunContext, step: ExecStep, pod: PodInfo, timeoutMs: number, stream: boolean): Promise<{ sent: SentRequest; pod: PodInfo }> {
  try {
    return { sent: await sendOnce(ctx, step, pod, timeoutMs, stream), pod };
  } catch (error) {
    if (!(error instanceof ClusterError) || error.reason !== 'not-found' || ctx.pods?.get(step.target) !== pod) throw error;
    ctx.pods.forget(step.target);
    const current = await findPod(ctx, step.target);
    if ('ok' in current) throw error;
    return { sent: await sendOnce(ctx, step, current, timeoutMs, stream), pod: current };
  }
}

/** The scheme and port of the command's URL (curl defaults: 80, 443). */
export function urlPort(argv: string[]): { tls?: boolean; port?: number } {
  const url = argv.join(' ').match(/\b(https?):\/\/[^\s/:?#]+(?::(\d+))?/i);
  if (!url) return {};
  const tls = url[1].toLowerCase() === 'https';
  return { tls, port: url[2] ? Number(url[2]) : tls ? 443 : 80 };
}

/** Run the exec step's command once in the pod, with a fresh x-request-id when it is tagged. */
async function sendOnce(ctx: RunContext, step: ExecStep, pod: PodInfo, timeoutMs: number, stream: boolean): Promise<SentRequest> {
  const key = `${ctx.lesson.id}/${step.id}`;
  // A fresh id per attempt: the proof line must be the request that passed, not an earlier try.
  const requestId = step.tagRequest ? (ctx.takeRequestId?.(key) ?? `egress-tutorial-${randomUUID()}`) : undefined;
  const argv = requestId ? withRequestId(step.command, requestId) : step.command;
  const record: RequestRecord = { requestId, startedAt: ctx.now(), host: hostOf(step.command), pod: pod.name, ...urlPort(step.command), ...(pod.ip ? { clientIp: pod.ip } : {}) };
  ctx.requests.set(key, record);
  let stdout = '';
  let stderr = '';
  let exitCode: number;
  try {
    const result = await ctx.port.exec(pod, step.target.container, argv, {
      signal: ctx.signal,
      timeoutMs,
      onStdout: (t) => {
        stdout += t;
        if (stream) ctx.state.write('stdout', t);
        ctx.changed();
      },
      onStderr: (t) => {
        stderr += t;
        if (stream) ctx.state.write('stderr', t);
        ctx.changed();
      },
    });
    // Ports may return the full text without streaming it: show what was not streamed.
    if (stream && stdout === '' && result.stdout) ctx.state.write('stdout', result.stdout);
    if (stream && stderr === '' && result.stderr) ctx.state.write('stderr', result.stderr);
    stdout = result.stdout || stdout;
    stderr = result.stderr || stderr;
    exitCode = result.exitCode;
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
    if (!(error instanceof ClusterError && error.reason === 'timeout')) throw error;
    stderr += `${errorSentence(error)}\n`;
    exitCode = 28;
  }
  const curl = parseCurlOutput(stdout, stderr, exitCode);
  record.curl = curl;
  record.finishedAt = ctx.now();
  return { record, curl, stdout };
}

export async function runExec(ctx: RunContext, step: ExecStep): Promise<LocalVerdict> {
  // Missing objects will not appear by waiting: one attempt, and a pass is not this step's pass.
  const missing = await missingDependencies(ctx, step);
  const podOrVerdict = await findPod(ctx, step.target);
  if ('ok' in podOrVerdict) return podOrVerdict;
  let pod = podOrVerdict;
  const host = hostOf(step.command);
  const deadline = ctx.now() + (missing ? 0 : ctx.verifyTimeoutMs);
  const seen: string[] = [];
  let attempt = 0;
  let last: { curl: CurlOutcome; mismatch?: string; mismatchZh?: string } | undefined;

  for (;;) {
    attempt++;
    ctx.state.clearOutput();
    if (!pod.hasSidecar && !pod.optedOut) ctx.state.write('error', inBoth((m) => m.noSidecar(pod.name, pod.namespace)));
    const n = attempt;
    if (attempt > 1) ctx.state.write('info', inBoth((m) => m.attempt(n)));
    const got = seen[seen.length - 1];
    setActivity(ctx, inBoth((m) => (n === 1 ? m.running(step.command[0], pod.name) : m.waitingForPush(n - 1, got))));
    // A hung command may use what is left of the verification budget, but not much more.
    let sent: SentRequest;
    try {
      ({ sent, pod } = await sendInPod(ctx, step, pod, Math.max(5_000, deadline - ctx.now()), true));
    } catch (error) {
      // A hung exec is not curl's exit 28: say what hangs, with no network or gateway hint.
      if (error instanceof ClusterError && error.reason === 'hung') return { ok: false, summary: inBoth((m) => m.execHung(step.command[0], pod.name)), diagnosis: error.message, attempts: attempt };
      throw error;
    }
    const { curl, stdout } = sent;
    const check = checkExecExpectation(step.expect, curl, stdout, ctx.lang);
    seen.push(describeCurl(curl));
    ctx.changed();
    if (check.ok && missing) return { ...missing, httpStatus: curl.httpStatus, exitCode: curl.exitCode, attempts: attempt };
    if (check.ok) {
      const what = describeCurl(curl);
      return {
        ok: true,
        summary: inBoth((m) => (step.expectFailure ? m.blockedAsExpected(what) : m.asExpected(what))),
        httpStatus: curl.httpStatus,
        exitCode: curl.exitCode,
        attempts: attempt,
      };
    }
    last = { curl, mismatch: check.mismatch, mismatchZh: checkExecExpectation(step.expect, curl, stdout, ctx.lang === 'zh' ? 'en' : 'zh').mismatch };
    // Another lesson's leftover decides the result: waiting for Istio cannot fix that.
    // Mesh objects decide only what a sidecar sees: a pod without one (a NetworkPolicy lesson's) is the network's.
    if (attempt === 1 && pod.hasSidecar && leftoverSignature(step, curl)) {
      const facts = await safeFacts(ctx);
      const leftovers = facts ? findLeftovers(step, curl, facts, host, ctx.namespace, ctx.lesson.id) : [];
      if (leftovers.length) {
        const removable = leftovers.filter((l) => l.ours).map((l) => l.ref);
        if (removable.length) ctx.state.leftovers = removable;
        return { ok: false, summary: ctx.m.leftoverSummary(check.mismatch ?? ctx.m.unexpectedResult), diagnosis: describeLeftovers(leftovers, host, ctx.lang), httpStatus: curl.httpStatus, exitCode: curl.exitCode, attempts: attempt };
      }
    }
    // Someone changed an object this lesson applied: waiting for Istio cannot fix that (C6).
    if (attempt === 1) {
      const drift = await detectDrift(ctx, step);
      const mm = last;
      if (drift.length) return explained(ctx, step, driftVerdict(ctx, drift, (lang) => (lang === ctx.lang ? mm.mismatch : mm.mismatchZh), { httpStatus: curl.httpStatus, exitCode: curl.exitCode, attempts: attempt }), { curl, clientPod: pod.name, clientLines: await clientSidecarLines(ctx, step, sent.record.requestId) });
    }
    const remaining = deadline - ctx.now();
    if (remaining <= 0 || ctx.signal.aborted) break;
    const latest = seen[seen.length - 1];
    setActivity(ctx, inBoth((m) => m.waitingForPush(n, latest)));
    await sleep(Math.min(backoffMs(attempt), remaining), ctx.signal);
    if (ctx.signal.aborted) break;
  }
  if (ctx.signal.aborted) return { ok: false, summary: inBoth((m) => m.cancelled), attempts: attempt };
  setActivity(ctx, inBoth((m) => m.diagnosing));
  if (attempt > 1) {
    const drift = await detectDrift(ctx, step);
    const mm = last;
    if (drift.length) return explained(ctx, step, driftVerdict(ctx, drift, (lang) => (lang === ctx.lang ? mm?.mismatch : mm?.mismatchZh), { httpStatus: last?.curl.httpStatus, exitCode: last?.curl.exitCode, attempts: attempt }), { curl: last?.curl, clientPod: pod.name, clientLines: await clientSidecarLines(ctx, step, ctx.requests.get(`${ctx.lesson.id}/${step.id}`)?.requestId) });
  }
  const facts = await wideFacts(ctx);
  const mismatch = (lang: Lang): string | undefined => (lang === ctx.lang ? last?.mismatch : last?.mismatchZh);
  const changing = stillChanging(seen);
  const tries = attempt;
  // A lesson of the Gateway API: the routes' and the Gateway's status say what the Istio advice cannot.
  const routes = step.expectFailure ? undefined : await gatewayApiProblem(ctx, step);
  const findings = facts && !step.expectFailure && !routes?.(ctx.lang) ? findingsFor(ctx, step, facts, { curl: last?.curl, clientPod: pod.name, clientLines: await clientSidecarLines(ctx, step, ctx.requests.get(`${ctx.lesson.id}/${step.id}`)?.requestId) }) : [];
  offerFix(ctx, findings);
  return {
    ok: false,
    summary: inBoth((m, lang) => m.afterAttempts(mismatch(lang) ?? m.unexpectedResult, tries)),
    diagnosis: inBoth((_m, lang) =>
      [
        missing ? `${pick(missing.summary, lang)} ${pick(missing.diagnosis, lang) ?? ''}`.trim() : '',
        routes?.(lang) ?? withFindings(findings, diagnose({
          curl: last?.curl,
          expect: step.expect,
          expectFailure: step.expectFailure,
          facts,
          changing,
          host,
          noSidecar: !pod.hasSidecar,
          clientNamespace: ctx.namespace,
          istioNamespace: ctx.istioNamespace,
          gatewayMode: ctx.lessons.gateway ?? 'shared',
          gatewayHost: ctx.lessons.values.gatewayHost,
          lang,
        }), lang),
      ]
        .filter(Boolean)
        .join(findings.length ? '\n' : lang === 'zh' ? '' : ' '),
    ),
    httpStatus: last?.curl.httpStatus,
    exitCode: last?.curl.exitCode,
    attempts: attempt,
  };
}

/** The exec step whose request a logs step looks for: the named one, else the lesson's last tagged exec step before it. */
export function requestStep(ctx: Pick<RunContext, 'lesson'>, step: LogsStep): ExecStep | undefined {
  const steps = ctx.lesson.steps;
  if (step.expect.requestFrom) {
    const named = steps.find((s) => s.id === step.expect.requestFrom);
    return named?.kind === 'exec' ? named : undefined;
  }
  const before = steps.slice(0, Math.max(0, steps.indexOf(step)));
  return before.reverse().find((s): s is ExecStep => s.kind === 'exec');
}

/** The request a logs step looks for: the named exec step's, else the lesson's latest. */
export function requestFor(ctx: Pick<RunContext, 'lesson' | 'requests'>, step: LogsStep): RequestRecord | undefined {
  if (step.expect.requestFrom) return ctx.requests.get(`${ctx.lesson.id}/${step.expect.requestFrom}`) ?? [...ctx.requests.entries()].find(([k]) => k.endsWith(`/${step.expect.requestFrom}`))?.[1];
  let latest: RequestRecord | undefined;
  for (const [key, record] of ctx.requests) if (key.startsWith(`${ctx.lesson.id}/`) && (!latest || record.startedAt > latest.startedAt)) latest = record;
  return latest;
}

const requestKey = (r: RequestRecord): string => r.requestId ?? `at:${r.startedAt}`;
/** A logs step and a request it looked for: another logs step may look for the same request (the waypoint's line, then ztunnel's). */
const lookedKey = (ctx: RunContext, step: LogsStep, r: RequestRecord): string => `${ctx.lesson.id}/${step.id} ${requestKey(r)}`;

/**
 * A logs step's request: the one the exec step before it sent, unless this step has looked for
 * that one already (a retry, or "again") or there is none this session — then it sends a new one
 * with that step's command, so a fix made in between can show.
 */
async function freshRequest(ctx: RunContext, step: LogsStep): Promise<RequestRecord | LocalVerdict | undefined> {
  const existing = requestFor(ctx, step);
  const looked = existing && ctx.lookedFor?.has(lookedKey(ctx, step, existing));
  const exec = requestStep(ctx, step);
  if (existing && !looked) return existing;
  if (!exec || !ctx.lookedFor) {
    if (!existing && step.expect.requestFrom) info(ctx, inBoth((m) => m.notRunThisSession(step.expect.requestFrom!)));
    return existing;
  }
  const missing = await missingDependencies(ctx, exec);
  if (missing) return missing;
  const pod = await findPod(ctx, exec.target);
  if ('ok' in pod) return pod;
  setActivity(ctx, inBoth((m) => m.sendingNewRequest));
  const { sent } = await sendInPod(ctx, exec, pod, Math.max(5_000, ctx.verifyTimeoutMs), false);
  const what = describeCurl(sent.curl);
  info(ctx, inBoth((m) => m.sentNewRequest(sent.record.requestId, what)));
  return sent.record;
}

export async function runLogs(ctx: RunContext, step: LogsStep): Promise<LocalVerdict> {
  const parsed = new Ring<AccessLogFields>(200);
  const selector = labelSelector(step.target.labels);
  let context: MatchContext = { notBeforeMs: ctx.startedAt };
  let settle: ((v: LocalVerdict) => void) | undefined;
  let timedOut = false;
  let proofFound = false;
  let matching = false; // lines are matched once the request is known
  const found = new Promise<LocalVerdict>((resolve) => (settle = resolve));
  // Lines seen while the request is being sent (bounded: a busy gateway may log thousands a second).
  const early = new Ring<LogLine>(500);
  const others = new Set<string>(); // addresses of other clients whose lines show what we expect

  const consider = (line: LogLine): boolean => {
    const fields = parseAccessLogLine(line.text);
    const proof = !proofFound && fields !== undefined && matchesExpectation(fields, step.expect, context);
    if (fields && !proof && isOthersProof(fields, step.expect, context)) others.add(addressIp(fields.downstreamRemoteAddress) ?? fields.requestId ?? '?');
    if (fields) parsed.push(fields);
    if (proof) {
      proofFound = true;
      const verdict: LocalVerdict = { ok: true, summary: inBoth((m) => `${fields.source === 'ztunnel' ? m.proofFoundConnection(line.pod) : m.proofFound(line.pod)}${restart ? ` ${m.gatewayRestarted(restart.replaced, restart.added)}` : ''}`), proofLine: line };
      settle?.(verdict);
      if (timedOut) ctx.onLatePass?.(verdict);
    }
    return proof;
  };
  const onLine = (line: LogLine): void => {
    if (!matching) early.push(line);
    const proof = matching ? consider(line) : false;
    ctx.state.logs.push({ line, proof });
    ctx.changed();
  };

  let restart: { replaced: string[]; added: string[] } | undefined;
  // Follow first, so the line of a request sent now cannot be missed.
  const followStart = ctx.now();
  setActivity(ctx, inBoth((m) => m.following(selector, step.target.container, step.target.namespace)));
  const follow = ctx.port
    .followLogs(step.target, {
      signal: ctx.signal,
      tailLines: 100,
      onLine,
      onEvent: (m) => info(ctx, m),
      onRestart: (change) => {
        restart = { replaced: [...new Set([...(restart?.replaced ?? []), ...change.replaced])], added: [...new Set([...(restart?.added ?? []), ...change.added])] };
      },
    })
    .then(
      (): LocalVerdict => ({ ok: false, summary: ctx.signal.aborted ? inBoth((m) => m.cancelled) : inBoth((m) => m.streamEnded) }),
      (error: unknown): LocalVerdict => (isCancelled(error, ctx.signal) ? { ok: false, summary: inBoth((m) => m.cancelled) } : { ok: false, summary: errorText(error) }),
    );
  const aborted = new Promise<'aborted'>((resolve) => {
    if (ctx.signal.aborted) resolve('aborted');
    ctx.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });

  const requestOrVerdict = await Promise.race([freshRequest(ctx, step), aborted]);
  if (requestOrVerdict === 'aborted') return { ok: false, summary: inBoth((m) => m.cancelled) };
  if (requestOrVerdict && 'ok' in requestOrVerdict) {
    // Nothing worth following: stop the stream with the step.
    return requestOrVerdict;
  }
  const request = requestOrVerdict;
  if (request) ctx.lookedFor?.add(lookedKey(ctx, step, request));
  // Only the learner's own request proves anything: its x-request-id when tagged, else its client
  // pod's address and the request's time window (a shared gateway logs every learner's traffic).
  context = request
    ? { requestId: request.requestId, notBeforeMs: request.startedAt, ...(request.finishedAt !== undefined ? { notAfterMs: request.finishedAt } : {}), ...(request.clientIp ? { clientIp: request.clientIp } : {}) }
    : { notBeforeMs: ctx.startedAt, ...(await clientIp(ctx)) };
  matching = true;
  const id = request?.requestId;
  setActivity(ctx, inBoth((m) => m.following(selector, step.target.container, step.target.namespace, id)));
  // The lines that arrived while the request was being sent: mark the proof among them.
  const entries = ctx.state.logs.toArray();
  const pending = early.toArray();
  early.clear();
  for (const line of pending) {
    if (consider(line)) {
      const entry = entries.find((e) => e.line === line);
      if (entry) entry.proof = true;
      ctx.changed();
      break;
    }
  }

  // With the request finished, its line is in the log about a second later (Envoy's flush):
  // say what is known a few seconds after that, and keep following in the background.
  // Measured from when the request finished, or from now when that was earlier: the stream needs
  // its moment to deliver the lines already written (the tail).
  const finished = Math.max(request?.finishedAt ?? 0, followStart);
  const waitMs = Math.max(0, Math.min(ctx.verifyTimeoutMs, finished + (ctx.logLineGraceMs ?? LOG_LINE_GRACE_MS) - ctx.now()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), waitMs);
  });
  const first = await Promise.race([found, follow, timeout, aborted]);
  clearTimeout(timer);
  if (first === 'aborted') return { ok: false, summary: inBoth((m) => m.cancelled) };
  if (first !== 'timeout') {
    if (first.ok) setActivity(ctx, inBoth((m) => m.stillFollowing(selector)));
    return first;
  }
  timedOut = true;
  const since = request?.finishedAt ?? ctx.now();
  const elapsed = () => Math.max(0, Math.round((ctx.now() - since) / 1000));
  const showElapsed = () => {
    if (proofFound || ctx.signal.aborted) return;
    const s = elapsed();
    setActivity(ctx, inBoth((m) => m.stillFollowingFor(selector, s)));
  };
  showElapsed();
  const ticker = setInterval(() => {
    if (proofFound || ctx.signal.aborted) {
      clearInterval(ticker);
      if (proofFound && !ctx.signal.aborted) setActivity(ctx, inBoth((m) => m.stillFollowing(selector)));
      return;
    }
    showElapsed();
  }, 1000);
  ticker.unref?.();
  ctx.signal.addEventListener('abort', () => clearInterval(ticker), { once: true });
  // An object this lesson applied was changed by someone else: say who changed what (C6).
  const drift = await detectDrift(ctx, step);
  if (proofFound) return await found;
  if (drift.length) {
    const s0 = elapsed();
    const exec = requestStep(ctx, step);
    const lines = parsed.toArray().filter((f) => (!id || f.requestId === id) && (!request?.clientIp || addressIp(f.downstreamRemoteAddress) === request.clientIp));
    const verdict = driftVerdict(ctx, drift, (_lang) => undefined, {}, (m) => m.noLogLineYet(s0, id));
    return exec ? explained(ctx, exec, verdict, { curl: request?.curl, gatewayLines: lines, gatewayLogFollowed: true }) : verdict;
  }
  const facts = await wideFacts(ctx);
  if (proofFound) return (await found); // the line arrived while the diagnosis was gathered
  const related = parsed.toArray().filter((f) => (!id || f.requestId === id) && (!request?.clientIp || addressIp(f.downstreamRemoteAddress) === request.clientIp));
  const seconds = elapsed();
  const exec = requestStep(ctx, step);
  // A lesson of the Gateway API: the routes' and the Gateway's status say what the Istio advice cannot.
  const routes = await gatewayApiProblem(ctx, step);
  const findings = exec && !routes?.(ctx.lang) ? findingsFor(ctx, exec, facts, { curl: request?.curl, gatewayLines: related, gatewayLogFollowed: true, ...(ambientTarget(step).waypoint ? { waypoint: ambientTarget(step).waypoint } : {}) }) : [];
  offerFix(ctx, findings);
  return {
    ok: false,
    summary: inBoth((m) => m.noLogLineYet(seconds, id)),
    diagnosis: inBoth((m, lang) =>
      `${restart ? `${m.gatewayRestarted(restart.replaced, restart.added)} ` : ''}${routes?.(lang) ?? withFindings(findings, diagnose({
        curl: request?.curl,
        logExpect: step.expect,
        facts,
        gatewayLines: related,
        missingLogLine: true,
        otherClients: [...others],
        clientIp: request?.clientIp ?? context.clientIp,
        gatewayMode: ctx.lessons.gateway ?? 'shared',
        gatewayHost: ctx.lessons.values.gatewayHost,
        host: request?.host,
        clientNamespace: ctx.namespace,
        istioNamespace: ctx.istioNamespace,
        ...ambientTarget(step),
        lang,
      }), lang)}${lang === 'zh' ? '' : ' '}${m.keepFollowingNote}`,
    ),
  };
}

/** A logs step that follows a waypoint's pods (istiod labels them with their Gateway's name), or ztunnel's. */
function ambientTarget(step: LogsStep): { waypoint?: { namespace: string; name: string }; ztunnel?: boolean } {
  const name = step.target.labels['gateway.networking.k8s.io/gateway-name'];
  if (name) return { waypoint: { namespace: step.target.namespace, name } };
  return step.target.labels.app === 'ztunnel' ? { ztunnel: true } : {};
}

/** Without a request of this session to go by, the client pod's address still tells our lines from others'. */
async function clientIp(ctx: RunContext): Promise<{ clientIp?: string }> {
  try {
    const target = clientTarget(ctx.lessons, ctx.namespace);
    const pod = ctx.pods?.get(target) ?? (await ctx.port.waitForPod(target, { timeoutMs: FIND_POD_MS, signal: ctx.signal }));
    return pod.ip ? { clientIp: pod.ip } : {};
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
    return {};
  }
}

/** The client pod the 'client-ready' check looks for: the first exec target in the client namespace. */
export function clientTarget(lessons: LessonSet, namespace: string): PodTarget {
  for (const lesson of lessons.lessons)
    for (const step of lesson.steps) if (step.kind === 'exec' && step.target.namespace === namespace) return step.target;
  return { namespace, labels: { app: 'curl' }, container: 'curl' };
}

export async function runCheck(ctx: RunContext, step: CheckStep): Promise<LocalVerdict> {
  setActivity(ctx, inBoth((m) => m.checking(step.checks.join(', '))));
  const results = await ctx.port.preflight({
    clientNamespace: ctx.namespace,
    istioNamespace: ctx.istioNamespace,
    client: clientTarget(ctx.lessons, ctx.namespace),
    checks: step.checks,
    signal: ctx.signal,
    gateway: gatewayTarget(ctx.lessons),
    gatewayClaims: gatewayClaims(ctx.lessons),
  });
  ctx.state.checks = results;
  for (const r of results) info(ctx, `${r.level.toUpperCase()} ${r.name}: ${r.summary}`, r.level === 'fail' ? 'error' : 'info');
  const fails = results.filter((r) => r.level === 'fail');
  const warns = results.filter((r) => r.level === 'warn');
  if (fails.length > 0)
    return {
      ok: false,
      summary: inBoth((m) => m.checksFailed(fails.length, fails.map((f) => f.name).join(', '))),
      // One line per failed check, named: several hints must not run together.
      diagnosis: fails.map((f) => `${f.name}: ${f.fix ?? f.summary}`).join('\n'),
    };
  return { ok: true, summary: inBoth((m) => m.checksPassed(results.length, warns.map((w) => w.name))) };
}
