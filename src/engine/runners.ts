// What run() does for each step kind. Each runner gets a context with the port, the step's live
// state and an abort signal; it returns the verdict. The engine turns throws into verdicts.

import { randomUUID } from 'node:crypto';
import { ClusterError, type ClusterPort, type LogLine, type MeshFacts, type PodInfo } from '../cluster/port.js';
import type { ApplyStep, CheckStep, DeleteStep, ExecStep, Lesson, LessonSet, LogsStep, PodTarget } from '../lesson/model.js';
import { matchesExpectation, parseAccessLogLine, type AccessLogFields, type MatchContext } from '../verify/access-log.js';
import { parseCurlOutput, describeCurl, type CurlOutcome } from '../verify/curl.js';
import { diagnose } from '../verify/diagnose.js';
import { checkExecExpectation } from '../verify/expect.js';
import { withRequestId } from './kubectl.js';
import { Ring } from './ring.js';
import type { LiveStepState } from './state.js';
import type { Verdict } from './types.js';
import { errorSentence, hostOf, isCancelled, labelSelector, lessonCreating, sleep } from './util.js';

/** What an exec step sent, so a later logs step can find the request in the gateway's log. */
export interface RequestRecord {
  requestId?: string;
  startedAt: number;
  host?: string;
  curl?: CurlOutcome;
}

export interface RunContext {
  port: ClusterPort;
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
  setActivity(ctx, `applying ${objects.length} object${objects.length === 1 ? '' : 's'}`);
  const outcomes = await ctx.port.apply(objects, { lesson: ctx.lesson.id, step: step.id, namespace: ctx.namespace, takeOver: ctx.takeOver, signal: ctx.signal });
  ctx.state.applied = outcomes;
  for (const [i, o] of outcomes.entries()) {
    const authored = objects[i]?.apiVersion;
    const version = authored && o.ref.apiVersion !== authored ? ` as ${o.ref.apiVersion} (the version this cluster serves)` : '';
    info(ctx, `${refName(o.ref)}: ${o.result}${version}${o.message ? ` — ${o.message}` : ''}`, o.result === 'error' ? 'error' : 'info');
  }
  const conflicts = outcomes.filter((o) => o.result === 'conflict');
  if (conflicts.length > 0) {
    ctx.state.phase = 'conflict';
    return {
      ok: false,
      summary: `${conflicts.map((c) => refName(c.ref)).join(', ')} already exist${conflicts.length === 1 ? 's' : ''} and ${conflicts.length === 1 ? 'was' : 'were'} not created by the tutorial.`,
      diagnosis: 'Take them over (the tutorial will manage and later delete them) or leave them and skip this step.',
    };
  }
  const errors = outcomes.filter((o) => o.result === 'error');
  if (errors.length > 0)
    return { ok: false, summary: `${errors.length} of ${outcomes.length} objects could not be applied.`, diagnosis: errors.map((e) => `${refName(e.ref)}: ${e.message ?? 'error'}`).join(' ') };

  let podNote = '';
  if (step.waitFor) {
    const target = step.waitFor;
    setActivity(ctx, `waiting for a pod ${labelSelector(target.labels)} in ${target.namespace} to be Ready`);
    const pod = await ctx.port.waitForPod(target, { timeoutMs: POD_WAIT_MS, signal: ctx.signal, onProgress: (m) => setActivity(ctx, m) });
    podNote = ` Pod ${pod.name} is Ready.`;
    if (!pod.hasSidecar)
      info(ctx, `Pod ${pod.name} has no istio-proxy sidecar, so its traffic bypasses the mesh: label namespace ${pod.namespace} with istio-injection=enabled and delete the pod so it is recreated.`, 'error');
  }
  const changedCount = outcomes.filter((o) => o.result !== 'unchanged').length;
  return { ok: true, summary: `Applied ${outcomes.length} object${outcomes.length === 1 ? '' : 's'} (${changedCount} changed).${podNote}` };
}

export async function runDelete(ctx: RunContext, step: DeleteStep): Promise<Verdict> {
  setActivity(ctx, `deleting ${step.objects.length} object${step.objects.length === 1 ? '' : 's'} and waiting until they are gone`);
  const outcomes = await ctx.port.delete(step.objects, { namespace: ctx.namespace, signal: ctx.signal, waitMs: DELETE_WAIT_MS });
  ctx.state.deleted = outcomes;
  const words = { deleted: 'deleted', absent: 'already gone', 'not-ours': 'left alone: not created by the tutorial', error: 'error' } as const;
  for (const o of outcomes) info(ctx, `${refName(o.ref)}: ${words[o.result]}${o.message ? ` — ${o.message}` : ''}`, o.result === 'error' ? 'error' : 'info');
  const errors = outcomes.filter((o) => o.result === 'error');
  if (errors.length > 0) return { ok: false, summary: `${errors.length} of ${outcomes.length} objects could not be deleted.`, diagnosis: errors.map((e) => e.message ?? refName(e.ref)).join(' ') };
  const deleted = outcomes.filter((o) => o.result === 'deleted').length;
  const notOurs = outcomes.filter((o) => o.result === 'not-ours').length;
  return { ok: true, summary: `Removed ${deleted} object${deleted === 1 ? '' : 's'}${notOurs ? `; ${notOurs} not created by the tutorial left alone` : ''}.` };
}

async function findPod(ctx: RunContext, target: PodTarget): Promise<PodInfo | Verdict> {
  setActivity(ctx, `looking for a Ready pod ${labelSelector(target.labels)} in ${target.namespace}`);
  try {
    return await ctx.port.waitForPod(target, { timeoutMs: FIND_POD_MS, signal: ctx.signal });
  } catch (error) {
    if (isCancelled(error, ctx.signal)) throw error;
    const creator = lessonCreating(ctx.lessons.lessons, target);
    return {
      ok: false,
      summary: `No Ready pod ${labelSelector(target.labels)} in ${target.namespace}.`,
      diagnosis: creator
        ? `Run lesson ${creator.lesson.id} ("${creator.lesson.title.en}") first: its step ${creator.stepId} creates that pod. (${errorSentence(error)})`
        : errorSentence(error),
    };
  }
}

function backoffMs(attempt: number): number {
  return Math.min(2000, 250 * 2 ** (attempt - 1));
}

async function safeFacts(ctx: RunContext): Promise<MeshFacts | undefined> {
  try {
    return await ctx.port.meshFacts({ clientNamespace: ctx.namespace, istioNamespace: ctx.istioNamespace, signal: ctx.signal });
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
    if (attempt > 1) ctx.state.write('info', `Attempt ${attempt}`);
    setActivity(ctx, attempt === 1 ? `running ${step.command[0]} in ${pod.name}` : `attempt ${attempt}, got ${seen[seen.length - 1]}, waiting for Istio to push the configuration`);
    // A fresh id per attempt: the proof line must be the request that passed, not an earlier try.
    const requestId = step.tagRequest ? `egress-tutorial-${randomUUID()}` : undefined;
    const argv = requestId ? withRequestId(step.command, requestId) : step.command;
    const record: RequestRecord = { requestId, startedAt: ctx.now(), host };
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
      if (!(error instanceof ClusterError && error.reason === 'timeout')) throw error;
      stderr += `${errorSentence(error)}\n`;
      exitCode = 28;
    }
    const curl = parseCurlOutput(stdout, stderr, exitCode);
    record.curl = curl;
    const check = checkExecExpectation(step.expect, curl, stdout);
    seen.push(describeCurl(curl));
    ctx.changed();
    if (check.ok) {
      const what = describeCurl(curl);
      return {
        ok: true,
        summary: step.expectFailure ? `${what}: blocked, as this step expects.` : `${what}, as expected.`,
        httpStatus: curl.httpStatus,
        exitCode: curl.exitCode,
        attempts: attempt,
      };
    }
    last = { curl, mismatch: check.mismatch };
    const remaining = deadline - ctx.now();
    if (remaining <= 0 || ctx.signal.aborted) break;
    setActivity(ctx, `attempt ${attempt}, got ${seen[seen.length - 1]}, waiting for Istio to push the configuration`);
    await sleep(Math.min(backoffMs(attempt), remaining), ctx.signal);
    if (ctx.signal.aborted) break;
  }
  if (ctx.signal.aborted) return { ok: false, summary: 'Cancelled.', attempts: attempt };
  setActivity(ctx, 'diagnosing');
  const facts = await safeFacts(ctx);
  return {
    ok: false,
    summary: `${last?.mismatch ?? 'Unexpected result'} after ${attempt} attempt${attempt === 1 ? '' : 's'}.`,
    diagnosis: diagnose({
      curl: last?.curl,
      expect: step.expect,
      expectFailure: step.expectFailure,
      facts,
      changing: new Set(seen).size > 1,
      host,
      clientNamespace: ctx.namespace,
      istioNamespace: ctx.istioNamespace,
    }),
    httpStatus: last?.curl.httpStatus,
    exitCode: last?.curl.exitCode,
    attempts: attempt,
  };
}

/** The request a logs step looks for: the named exec step's, else the lesson's latest. */
function requestFor(ctx: RunContext, step: LogsStep): RequestRecord | undefined {
  if (step.expect.requestFrom) return ctx.requests.get(`${ctx.lesson.id}/${step.expect.requestFrom}`) ?? [...ctx.requests.entries()].find(([k]) => k.endsWith(`/${step.expect.requestFrom}`))?.[1];
  let latest: RequestRecord | undefined;
  for (const [key, record] of ctx.requests) if (key.startsWith(`${ctx.lesson.id}/`) && (!latest || record.startedAt > latest.startedAt)) latest = record;
  return latest;
}

export async function runLogs(ctx: RunContext, step: LogsStep): Promise<Verdict> {
  const request = requestFor(ctx, step);
  const context: MatchContext = request ? { requestId: request.requestId, notBeforeMs: request.startedAt } : { notBeforeMs: ctx.startedAt };
  if (!request && step.expect.requestFrom)
    info(ctx, `Step ${step.expect.requestFrom} has not run in this session: any matching line since the tutorial started counts.`);
  const parsed = new Ring<AccessLogFields>(200);
  const selector = labelSelector(step.target.labels);
  setActivity(ctx, `following the logs of ${selector} (${step.target.container}) in ${step.target.namespace}, looking for ${request?.requestId ? `request ${request.requestId}` : 'the request'}`);

  let settle: ((v: Verdict) => void) | undefined;
  let timedOut = false;
  let proofFound = false;
  const found = new Promise<Verdict>((resolve) => (settle = resolve));

  const onLine = (line: LogLine): void => {
    const fields = parseAccessLogLine(line.text);
    const proof = !proofFound && fields !== undefined && matchesExpectation(fields, step.expect, context);
    if (fields) parsed.push(fields);
    ctx.state.logs.push({ line, proof });
    if (proof) {
      proofFound = true;
      const verdict: Verdict = { ok: true, summary: `Found the request in ${line.pod}'s log: the traffic crossed the egress gateway.`, proofLine: line };
      if (timedOut) ctx.onLatePass?.(verdict);
      else settle?.(verdict);
    }
    ctx.changed();
  };

  const follow = ctx.port
    .followLogs(step.target, { signal: ctx.signal, tailLines: 100, onLine, onEvent: (m) => info(ctx, m) })
    .then(
      (): Verdict => ({ ok: false, summary: ctx.signal.aborted ? 'Cancelled.' : 'The log stream ended before the request appeared.' }),
      (error: unknown): Verdict => (isCancelled(error, ctx.signal) ? { ok: false, summary: 'Cancelled.' } : { ok: false, summary: errorSentence(error) }),
    );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ctx.verifyTimeoutMs);
  });
  const aborted = new Promise<'aborted'>((resolve) => {
    if (ctx.signal.aborted) resolve('aborted');
    ctx.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const first = await Promise.race([found, follow, timeout, aborted]);
  clearTimeout(timer);
  if (first === 'aborted') return { ok: false, summary: 'Cancelled.' };
  if (first !== 'timeout') {
    if (first.ok) setActivity(ctx, `still following the logs of ${selector}`);
    return first;
  }
  timedOut = true;
  setActivity(ctx, `still following the logs of ${selector}`);
  const facts = await safeFacts(ctx);
  const related = parsed.toArray().filter((f) => !request?.requestId || f.requestId === request.requestId);
  return {
    ok: false,
    summary: `No line for this request appeared in the log within ${Math.round(ctx.verifyTimeoutMs / 1000)} s.`,
    diagnosis: diagnose({
      curl: request?.curl,
      logExpect: step.expect,
      facts,
      gatewayLines: related,
      missingLogLine: true,
      host: request?.host,
      clientNamespace: ctx.namespace,
      istioNamespace: ctx.istioNamespace,
    }),
  };
}

/** The client pod the 'client-ready' check looks for: the first exec target in the client namespace. */
export function clientTarget(lessons: LessonSet, namespace: string): PodTarget {
  for (const lesson of lessons.lessons)
    for (const step of lesson.steps) if (step.kind === 'exec' && step.target.namespace === namespace) return step.target;
  return { namespace, labels: { app: 'curl' }, container: 'curl' };
}

export async function runCheck(ctx: RunContext, step: CheckStep): Promise<Verdict> {
  setActivity(ctx, `checking ${step.checks.join(', ')}`);
  const results = await ctx.port.preflight({
    clientNamespace: ctx.namespace,
    istioNamespace: ctx.istioNamespace,
    client: clientTarget(ctx.lessons, ctx.namespace),
    checks: step.checks,
    signal: ctx.signal,
  });
  ctx.state.checks = results;
  for (const r of results) info(ctx, `${r.level.toUpperCase()} ${r.name}: ${r.summary}`, r.level === 'fail' ? 'error' : 'info');
  const fails = results.filter((r) => r.level === 'fail');
  const warns = results.filter((r) => r.level === 'warn');
  if (fails.length > 0)
    return {
      ok: false,
      summary: `${fails.length} check${fails.length === 1 ? '' : 's'} failed: ${fails.map((f) => f.name).join(', ')}.`,
      diagnosis: fails.map((f) => f.fix ?? f.summary).join(' '),
    };
  return { ok: true, summary: `${results.length} check${results.length === 1 ? '' : 's'} passed${warns.length ? `, ${warns.length} with a warning (${warns.map((w) => w.name).join(', ')})` : ''}.` };
}
