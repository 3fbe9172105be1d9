// What run() does for each step kind. Each runner gets a context with the port, the step's live
// state and an abort signal; it returns the verdict. The engine turns throws into verdicts.

import { randomUUID } from 'node:crypto';
import { ClusterError, type ApplyOutcome, type ClusterPort, type LogLine, type MeshFacts, type PodInfo } from '../cluster/port.js';
import type { ApplyStep, CheckStep, DeleteStep, ExecStep, Lang, Lesson, LessonSet, LogsStep, PodTarget } from '../lesson/model.js';
import { addressIp, isOthersProof, matchesExpectation, parseAccessLogLine, type AccessLogFields, type MatchContext } from '../verify/access-log.js';
import { parseCurlOutput, describeCurl, type CurlOutcome } from '../verify/curl.js';
import { diagnose } from '../verify/diagnose.js';
import { checkExecExpectation } from '../verify/expect.js';
import { detectDrift, driftVerdict } from './drift.js';
import { describeLeftovers, findLeftovers, leftoverSignature } from './leftovers.js';
import { withRequestId } from './kubectl.js';
import { gatewayClaims, gatewayTarget } from './gateway.js';
import type { EngineMessages } from './messages.js';
import { Ring } from './ring.js';
import type { LiveStepState } from './state.js';
import type { Verdict } from './types.js';
import { errorSentence, hostOf, isCancelled, labelSelector, lessonCreating, sleep } from './util.js';

/** What an exec step sent, so a later logs step can find the request in the gateway's log. */
export interface RequestRecord {
  requestId?: string;
  startedAt: number;
  /** When the command ended: a connection logged after it is a later one. */
  finishedAt?: number;
  /** The client pod's IP: the gateway's line names it as the downstream remote address. */
  clientIp?: string;
  host?: string;
  curl?: CurlOutcome;
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
  now: () => number;
  changed: () => void;
  /** Requests made by exec steps, keyed `${lessonId}/${stepId}`. */
  requests: Map<string, RequestRecord>;
  /** When the engine started (lines before it are from earlier sessions). */
  startedAt: number;
  takeOver?: boolean;
  /** Called when a logs step finds its proof after its verdict already failed (it keeps following). */
  onLatePass?: (verdict: Verdict) => void;
}

const POD_WAIT_MS = 180_000;
const FIND_POD_MS = 5_000;
const DELETE_WAIT_MS = 60_000;

function setActivity(ctx: RunContext, text: string | undefined): void {
  ctx.state.activity = text;
  ctx.changed();
}

function info(ctx: RunContext, text: string, stream: 'info' | 'error' = 'info'): void {
  ctx.state.write(stream, text);
  ctx.changed();
}

const refName = (ref: { kind: string; name: string; namespace?: string }): string => `${ref.kind}/${ref.name}${ref.namespace ? ` (${ref.namespace})` : ''}`;

export async function runApply(ctx: RunContext, step: ApplyStep): Promise<Verdict> {
  const objects = step.manifests.flatMap((m) => m.objects).map((o) => structuredClone(o));
  setActivity(ctx, ctx.m.applying(objects.length));
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
    return { ok: false, summary: ctx.m.interruptedApply(changed.map((o) => refName(o.ref))), diagnosis: ctx.m.removeInterrupted(ctx.lesson.id, cleanup?.id) };
  }
  ctx.state.applied = outcomes;
  for (const [i, o] of outcomes.entries()) {
    const authored = objects[i]?.apiVersion;
    const version = authored && o.ref.apiVersion !== authored ? ctx.m.servedAs(o.ref.apiVersion) : '';
    info(ctx, `${refName(o.ref)}: ${ctx.m.resultWord(o.result)}${version}${o.message ? ` — ${o.message}` : ''}`, o.result === 'error' ? 'error' : 'info');
  }
  const conflicts = outcomes.filter((o) => o.result === 'conflict');
  if (conflicts.length > 0) {
    ctx.state.phase = 'conflict';
    return { ok: false, summary: ctx.m.conflictSummary(conflicts.map((c) => refName(c.ref))), diagnosis: ctx.m.conflictAdvice };
  }
  const errors = outcomes.filter((o) => o.result === 'error');
  if (errors.length > 0)
    return { ok: false, summary: ctx.m.applyErrors(errors.length, outcomes.length), diagnosis: errors.map((e) => `${refName(e.ref)}: ${e.message ?? 'error'}`).join('\n') };

  let podNote = '';
  if (step.waitFor) {
    const target = step.waitFor;
    setActivity(ctx, ctx.m.waitingForPod(labelSelector(target.labels), target.namespace));
    const pod = await ctx.port.waitForPod(target, { timeoutMs: POD_WAIT_MS, signal: ctx.signal, onProgress: (m) => setActivity(ctx, m) });
    podNote = ctx.m.podReady(pod.name);
    if (!pod.hasSidecar) info(ctx, ctx.m.noSidecar(pod.name, pod.namespace), 'error');
  }
  const changedCount = outcomes.filter((o) => o.result !== 'unchanged').length;
  return { ok: true, summary: `${ctx.m.applied(outcomes.length, changedCount)}${podNote}` };
}

export async function runDelete(ctx: RunContext, step: DeleteStep): Promise<Verdict> {
  setActivity(ctx, ctx.m.deleting(step.objects.length));
  const outcomes = await ctx.port.delete(step.objects, { namespace: ctx.namespace, signal: ctx.signal, waitMs: DELETE_WAIT_MS });
  ctx.state.deleted = outcomes;
  for (const o of outcomes) info(ctx, `${refName(o.ref)}: ${ctx.m.resultWord(o.result)}${o.message ? ` — ${o.message}` : ''}`, o.result === 'error' ? 'error' : 'info');
  const errors = outcomes.filter((o) => o.result === 'error');
  if (errors.length > 0) return { ok: false, summary: ctx.m.deleteErrors(errors.length, outcomes.length), diagnosis: errors.map((e) => e.message ?? refName(e.ref)).join('\n') };
  const deleted = outcomes.filter((o) => o.result === 'deleted').length;
  const notOurs = outcomes.filter((o) => o.result === 'not-ours').length;
  return { ok: true, summary: ctx.m.removed(deleted, notOurs) };
}

async function findPod(ctx: RunContext, target: PodTarget): Promise<PodInfo | Verdict> {
  setActivity(ctx, ctx.m.lookingForPod(labelSelector(target.labels), target.namespace));
  try {
    return await ctx.port.waitForPod(target, { timeoutMs: FIND_POD_MS, signal: ctx.signal });
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
    const creator = lessonCreating(ctx.lessons.lessons, target);
    return {
      ok: false,
      summary: ctx.m.noReadyPod(labelSelector(target.labels), target.namespace),
      diagnosis: creator ? ctx.m.runLessonFirst(creator.lesson.id, creator.lesson.title[ctx.lang], creator.stepId, errorSentence(error)) : errorSentence(error),
    };
  }
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

export async function runExec(ctx: RunContext, step: ExecStep): Promise<Verdict> {
  const podOrVerdict = await findPod(ctx, step.target);
  if ('ok' in podOrVerdict) return podOrVerdict;
  const pod = podOrVerdict;
  const host = hostOf(step.command);
  const deadline = ctx.now() + ctx.verifyTimeoutMs;
  const seen: string[] = [];
  let attempt = 0;
  let last: { curl: CurlOutcome; mismatch?: string } | undefined;

  for (;;) {
    attempt++;
    ctx.state.clearOutput();
    if (!pod.hasSidecar) ctx.state.write('error', ctx.m.noSidecar(pod.name, pod.namespace));
    if (attempt > 1) ctx.state.write('info', ctx.m.attempt(attempt));
    setActivity(ctx, attempt === 1 ? ctx.m.running(step.command[0], pod.name) : ctx.m.waitingForPush(attempt - 1, seen[seen.length - 1]));
    // A fresh id per attempt: the proof line must be the request that passed, not an earlier try.
    const requestId = step.tagRequest ? `egress-tutorial-${randomUUID()}` : undefined;
    const argv = requestId ? withRequestId(step.command, requestId) : step.command;
    const record: RequestRecord = { requestId, startedAt: ctx.now(), host, ...(pod.ip ? { clientIp: pod.ip } : {}) };
    ctx.requests.set(`${ctx.lesson.id}/${step.id}`, record);
    let stdout = '';
    let stderr = '';
    let exitCode: number;
    try {
      const result = await ctx.port.exec(pod, step.target.container, argv, {
        signal: ctx.signal,
        // A hung command may use what is left of the verification budget, but not much more.
        timeoutMs: Math.max(5_000, deadline - ctx.now()),
        onStdout: (t) => {
          stdout += t;
          ctx.state.write('stdout', t);
          ctx.changed();
        },
        onStderr: (t) => {
          stderr += t;
          ctx.state.write('stderr', t);
          ctx.changed();
        },
      });
      // Ports may return the full text without streaming it: show what was not streamed.
      if (stdout === '' && result.stdout) ctx.state.write('stdout', result.stdout);
      if (stderr === '' && result.stderr) ctx.state.write('stderr', result.stderr);
      stdout = result.stdout || stdout;
      stderr = result.stderr || stderr;
      exitCode = result.exitCode;
    } catch (error) {
      if (isCancelled(error, ctx.signal)) throw error;
      // A hung exec is not curl's exit 28: say what hangs, with no network or gateway hint.
      if (error instanceof ClusterError && error.reason === 'hung') return { ok: false, summary: ctx.m.execHung(step.command[0], pod.name), diagnosis: error.message, attempts: attempt };
      if (!(error instanceof ClusterError && error.reason === 'timeout')) throw error;
      stderr += `${errorSentence(error)}\n`;
      exitCode = 28;
    }
    record.finishedAt = ctx.now();
    const curl = parseCurlOutput(stdout, stderr, exitCode);
    record.curl = curl;
    const check = checkExecExpectation(step.expect, curl, stdout, ctx.lang);
    seen.push(describeCurl(curl));
    ctx.changed();
    if (check.ok) {
      const what = describeCurl(curl);
      return {
        ok: true,
        summary: step.expectFailure ? ctx.m.blockedAsExpected(what) : ctx.m.asExpected(what),
        httpStatus: curl.httpStatus,
        exitCode: curl.exitCode,
        attempts: attempt,
      };
    }
    last = { curl, mismatch: check.mismatch };
    // Another lesson's leftover decides the result: waiting for Istio cannot fix that.
    if (attempt === 1 && leftoverSignature(step, curl)) {
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
      if (drift.length) return driftVerdict(ctx, drift, check.mismatch ?? ctx.m.unexpectedResult, { httpStatus: curl.httpStatus, exitCode: curl.exitCode, attempts: attempt });
    }
    const remaining = deadline - ctx.now();
    if (remaining <= 0 || ctx.signal.aborted) break;
    setActivity(ctx, ctx.m.waitingForPush(attempt, seen[seen.length - 1]));
    await sleep(Math.min(backoffMs(attempt), remaining), ctx.signal);
    if (ctx.signal.aborted) break;
  }
  if (ctx.signal.aborted) return { ok: false, summary: ctx.m.cancelled, attempts: attempt };
  setActivity(ctx, ctx.m.diagnosing);
  if (attempt > 1) {
    const drift = await detectDrift(ctx, step);
    if (drift.length) return driftVerdict(ctx, drift, last?.mismatch ?? ctx.m.unexpectedResult, { httpStatus: last?.curl.httpStatus, exitCode: last?.curl.exitCode, attempts: attempt });
  }
  const facts = await safeFacts(ctx);
  return {
    ok: false,
    summary: ctx.m.afterAttempts(last?.mismatch ?? ctx.m.unexpectedResult, attempt),
    diagnosis: diagnose({
      curl: last?.curl,
      expect: step.expect,
      expectFailure: step.expectFailure,
      facts,
      changing: stillChanging(seen),
      host,
      clientNamespace: ctx.namespace,
      istioNamespace: ctx.istioNamespace,
      gatewayMode: ctx.lessons.gateway ?? 'shared',
      gatewayHost: ctx.lessons.values.gatewayHost,
      lang: ctx.lang,
    }),
    httpStatus: last?.curl.httpStatus,
    exitCode: last?.curl.exitCode,
    attempts: attempt,
  };
}

/** How long a logs step waits for its line before it asks whether an applied object drifted. */
const DRIFT_GRACE_MS = (ctx: RunContext): number => Math.min(3000, Math.round(ctx.verifyTimeoutMs / 3));

/** The request a logs step looks for: the named exec step's, else the lesson's latest. */
function requestFor(ctx: RunContext, step: LogsStep): RequestRecord | undefined {
  if (step.expect.requestFrom) return ctx.requests.get(`${ctx.lesson.id}/${step.expect.requestFrom}`) ?? [...ctx.requests.entries()].find(([k]) => k.endsWith(`/${step.expect.requestFrom}`))?.[1];
  let latest: RequestRecord | undefined;
  for (const [key, record] of ctx.requests) if (key.startsWith(`${ctx.lesson.id}/`) && (!latest || record.startedAt > latest.startedAt)) latest = record;
  return latest;
}

export async function runLogs(ctx: RunContext, step: LogsStep): Promise<Verdict> {
  const request = requestFor(ctx, step);
  // Only the learner's own request proves anything: its x-request-id when tagged, else its client
  // pod's address and the request's time window (a shared gateway logs every learner's traffic).
  const context: MatchContext = request
    ? { requestId: request.requestId, notBeforeMs: request.startedAt, ...(request.finishedAt !== undefined ? { notAfterMs: request.finishedAt } : {}), ...(request.clientIp ? { clientIp: request.clientIp } : {}) }
    : { notBeforeMs: ctx.startedAt, ...(await clientIp(ctx)) };
  const others = new Set<string>(); // addresses of other clients whose lines show what we expect
  if (!request && step.expect.requestFrom)
    info(ctx, ctx.m.notRunThisSession(step.expect.requestFrom));
  const parsed = new Ring<AccessLogFields>(200);
  const selector = labelSelector(step.target.labels);
  setActivity(ctx, ctx.m.following(selector, step.target.container, step.target.namespace, request?.requestId));

  let settle: ((v: Verdict) => void) | undefined;
  let timedOut = false;
  let proofFound = false;
  const found = new Promise<Verdict>((resolve) => (settle = resolve));

  const onLine = (line: LogLine): void => {
    const fields = parseAccessLogLine(line.text);
    const proof = !proofFound && fields !== undefined && matchesExpectation(fields, step.expect, context);
    if (fields && !proof && isOthersProof(fields, step.expect, context)) others.add(addressIp(fields.downstreamRemoteAddress) ?? fields.requestId ?? '?');
    if (fields) parsed.push(fields);
    ctx.state.logs.push({ line, proof });
    if (proof) {
      proofFound = true;
      const verdict: Verdict = { ok: true, summary: `${ctx.m.proofFound(line.pod)}${restart ? ` ${ctx.m.gatewayRestarted(restart.replaced, restart.added)}` : ''}`, proofLine: line };
      if (timedOut) ctx.onLatePass?.(verdict);
      else settle?.(verdict);
    }
    ctx.changed();
  };

  let restart: { replaced: string[]; added: string[] } | undefined;
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
      (): Verdict => ({ ok: false, summary: ctx.signal.aborted ? ctx.m.cancelled : ctx.m.streamEnded }),
      (error: unknown): Verdict => (isCancelled(error, ctx.signal) ? { ok: false, summary: ctx.m.cancelled } : { ok: false, summary: errorSentence(error) }),
    );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ctx.verifyTimeoutMs);
  });
  // No proof after a short while: if an object this lesson applied was changed by someone else,
  // waiting out the budget cannot help (C6).
  const driftTimer = setTimeout(() => {
    if (proofFound || ctx.signal.aborted) return;
    detectDrift(ctx, step).then(
      (drift) => {
        if (drift.length && !proofFound && !timedOut) settle?.(driftVerdict(ctx, drift, ctx.m.noLogLine(Math.round(DRIFT_GRACE_MS(ctx) / 1000)), {}));
      },
      () => undefined,
    );
  }, DRIFT_GRACE_MS(ctx));
  const aborted = new Promise<'aborted'>((resolve) => {
    if (ctx.signal.aborted) resolve('aborted');
    ctx.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const first = await Promise.race([found, follow, timeout, aborted]);
  clearTimeout(timer);
  clearTimeout(driftTimer);
  if (first === 'aborted') return { ok: false, summary: ctx.m.cancelled };
  if (first !== 'timeout') {
    if (first.ok) setActivity(ctx, ctx.m.stillFollowing(selector));
    return first;
  }
  timedOut = true;
  setActivity(ctx, ctx.m.stillFollowing(selector));
  const drift = await detectDrift(ctx, step);
  if (drift.length) return driftVerdict(ctx, drift, ctx.m.noLogLine(Math.round(ctx.verifyTimeoutMs / 1000)), {});
  const facts = await safeFacts(ctx);
  const related = parsed.toArray().filter((f) => (!request?.requestId || f.requestId === request.requestId) && (!request?.clientIp || addressIp(f.downstreamRemoteAddress) === request.clientIp));
  const restarted = restart ? `${ctx.m.gatewayRestarted(restart.replaced, restart.added)} ` : '';
  return {
    ok: false,
    summary: ctx.m.noLogLine(Math.round(ctx.verifyTimeoutMs / 1000)),
    diagnosis: restarted + diagnose({
      curl: request?.curl,
      logExpect: step.expect,
      facts,
      gatewayLines: related,
      missingLogLine: true,
      otherClients: [...others],
      clientIp: request?.clientIp,
      gatewayMode: ctx.lessons.gateway ?? 'shared',
      gatewayHost: ctx.lessons.values.gatewayHost,
      host: request?.host,
      clientNamespace: ctx.namespace,
      istioNamespace: ctx.istioNamespace,
      lang: ctx.lang,
    }),
  };
}

/** Without a request of this session to go by, the client pod's address still tells our lines from others'. */
async function clientIp(ctx: RunContext): Promise<{ clientIp?: string }> {
  try {
    const pod = await ctx.port.waitForPod(clientTarget(ctx.lessons, ctx.namespace), { timeoutMs: FIND_POD_MS, signal: ctx.signal });
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

export async function runCheck(ctx: RunContext, step: CheckStep): Promise<Verdict> {
  setActivity(ctx, ctx.m.checking(step.checks.join(', ')));
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
      summary: ctx.m.checksFailed(fails.length, fails.map((f) => f.name).join(', ')),
      // One line per failed check, named: several hints must not run together.
      diagnosis: fails.map((f) => `${f.name}: ${f.fix ?? f.summary}`).join('\n'),
    };
  return { ok: true, summary: ctx.m.checksPassed(results.length, warns.map((w) => w.name)) };
}
