// The engine's sentences in both languages (verdicts, activity lines, output notes).
// Diagnoses live in src/verify/diagnose.ts; UI chrome lives in the UI.

import type { Lang, Localized } from '../lesson/model.js';

type Ref = string; // "Kind/name (namespace)"

export interface EngineMessages {
  objects(n: number): string;
  applying(n: number): string;
  resultWord(result: 'created' | 'configured' | 'unchanged' | 'conflict' | 'error' | 'deleted' | 'absent' | 'not-ours'): string;
  servedAs(version: string): string;
  conflictSummary(refs: Ref[]): string;
  conflictAdvice: string;
  applyErrors(failed: number, total: number): string;
  waitingForPod(selector: string, namespace: string): string;
  podReady(pod: string): string;
  noSidecar(pod: string, namespace: string): string;
  applied(total: number, changed: number): string;
  deleting(n: number): string;
  deleteErrors(failed: number, total: number): string;
  removed(deleted: number, notOurs: number): string;
  lookingForPod(selector: string, namespace: string): string;
  noReadyPod(selector: string, namespace: string): string;
  /** A lesson as the learner sees it: "lesson 2 (Setup)". */
  lessonName(number: number, title: string): string;
  runLessonFirst(lesson: string, stepTitle: string, cause: string): string;
  reliesOn(refs: Ref[]): string;
  reliesOnFix(steps: string[]): string;
  sentNewRequest(id: string | undefined, what: string): string;
  sendingNewRequest: string;
  attempt(n: number): string;
  running(program: string, pod: string): string;
  waitingForPush(attempt: number, got: string): string;
  asExpected(what: string): string;
  blockedAsExpected(what: string): string;
  /** The summary of a verification that never matched; the attempts are in Verdict.attempts (shown once, by the UI and headless). */
  afterAttempts(mismatch: string, attempts: number): string;
  unexpectedResult: string;
  cancelled: string;
  diagnosing: string;
  notRunThisSession(stepId: string): string;
  following(selector: string, container: string, namespace: string, requestId?: string): string;
  stillFollowing(selector: string): string;
  stillFollowingFor(selector: string, seconds: number): string;
  proofFound(pod: string): string;
  /** ztunnel's line (ambient): a connection, not a request. */
  proofFoundConnection(pod: string): string;
  streamEnded: string;
  noLogLine(seconds: number): string;
  noLogLineYet(seconds: number, requestId?: string): string;
  keepFollowingNote: string;
  checking(names: string): string;
  checksFailed(n: number, names: string): string;
  checksPassed(n: number, warned: string[]): string;
  read: string;
  shuttingDown: string;
  alreadyRunning: string;
  leftAlone: string;
  noConflict: string;
  noAutoFix(name: string): string;
  fixNotApplied(detail: string): string;
  applyingFix(description: string): string;
  /** Explainer: making the first finding's fix, done, or nothing to make. */
  applyingExplainFix(command: string): string;
  explainFixMade(ref: string): string;
  noExplainFix: string;
  runThisToFix(command: string): string;
  appliesNothing: string;
  saveFailed(code: string): string;
  clearFailed(reason: string): string;
  /** C6: the verification stopped early because a tutorial object was changed by someone else. */
  driftSummary(mismatch: string, ref: Ref, managers: string[]): string;
  /** One sentence naming object, fields and managers, and the fix (re-apply after confirmation). */
  driftDiagnosis(ref: Ref, fields: string[], managers: string[], more: number): string;
  reapplying(refs: Ref[]): string;
  noDrift: string;
  reapplyFailed(detail: string): string;
  execHung(program: string, pod: string): string;
  leftoverSummary(mismatch: string): string;
  interruptedApply(refs: Ref[]): string;
  gatewayRestarted(replaced: string[], added: string[]): string;
  removeInterrupted(lessonId: string, cleanupStep?: string): string;
  removingLeftovers(refs: Ref[]): string;
  noLeftovers: string;
  leftoversNotRemoved(detail: string): string;
}

const en: EngineMessages = {
  objects: (n) => `${n} object${n === 1 ? '' : 's'}`,
  applying: (n) => `applying ${en.objects(n)}`,
  resultWord: (r) => ({ created: 'created', configured: 'configured', unchanged: 'unchanged', conflict: 'conflict', error: 'error', deleted: 'deleted', absent: 'already gone', 'not-ours': 'left alone: not created by the tutorial' })[r],
  servedAs: (v) => ` as ${v} (the version this cluster serves)`,
  conflictSummary: (refs) => `${refs.join(', ')} already exist${refs.length === 1 ? 's' : ''} and ${refs.length === 1 ? 'was' : 'were'} not created by the tutorial.`,
  conflictAdvice: 'Take them over (the tutorial will manage and later delete them) or leave them and skip this step.',
  applyErrors: (f, t) => `${f} of ${t} objects could not be applied.`,
  waitingForPod: (sel, ns) => `waiting for a pod ${sel} in ${ns} to be Ready`,
  podReady: (pod) => ` Pod ${pod} is Ready.`,
  noSidecar: (pod, ns) => `Pod ${pod} has no istio-proxy sidecar, so its traffic bypasses the mesh: label namespace ${ns} with istio-injection=enabled and delete the pod so it is recreated.`,
  applied: (t, c) => `Applied ${en.objects(t)} (${c} changed).`,
  deleting: (n) => `deleting ${en.objects(n)} and waiting until they are gone`,
  deleteErrors: (f, t) => `${f} of ${t} objects could not be deleted.`,
  removed: (d, n) => `Removed ${en.objects(d)}${n ? `; ${n} not created by the tutorial left alone` : ''}.`,
  lookingForPod: (sel, ns) => `looking for a Ready pod ${sel} in ${ns}`,
  noReadyPod: (sel, ns) => `No Ready pod ${sel} in ${ns}.`,
  lessonName: (n, title) => `lesson ${n} (${title})`,
  runLessonFirst: (lesson, step, cause) => `Do ${lesson} first: its step “${step}” creates that pod. (${cause})`,
  reliesOn: (refs) => `This step relies on ${refs.join(', ')}, which ${refs.length === 1 ? 'is' : 'are'} not in the cluster: its result would mean nothing yet.`,
  reliesOnFix: (steps) => `Go back (b) to ${steps.map((s) => `“${s}”`).join(', ')} and apply ${steps.length === 1 ? 'it' : 'them'}, then run this step again.`,
  sentNewRequest: (id, what) => `Sent a new request${id ? ` (x-request-id: ${id})` : ''}: ${what}.`,
  sendingNewRequest: 'sending a new request with the curl of the step before',
  attempt: (n) => `Attempt ${n}`,
  running: (program, pod) => `running ${program} in ${pod}`,
  waitingForPush: (n, got) => `attempt ${n}, got ${got}, waiting for Istio to push the configuration`,
  asExpected: (what) => `${what}, as expected.`,
  blockedAsExpected: (what) => `${what}: blocked, as this step expects.`,
  afterAttempts: (m) => m,
  unexpectedResult: 'Unexpected result',
  cancelled: 'Cancelled.',
  diagnosing: 'diagnosing',
  notRunThisSession: (step) => `Step ${step} has not run in this session: any matching line from your client pod since the tutorial started counts.`,
  following: (sel, c, ns, id) => `following the logs of ${sel} (${c}) in ${ns}, looking for ${id ? `request ${id}` : 'the request'}`,
  stillFollowing: (sel) => `still following the logs of ${sel}`,
  stillFollowingFor: (sel, s) => `still following the logs of ${sel} (${s} s since the request)`,
  proofFound: (pod) => `Found the request in ${pod}'s log: the traffic crossed the egress gateway.`,
  proofFoundConnection: (pod) => `Found the request's connection in ${pod}'s log: ztunnel carried it (it logs connections, not HTTP requests).`,
  streamEnded: 'The log stream ended before the request appeared.',
  noLogLine: (s) => `No line for this request appeared in the log within ${s} s.`,
  noLogLineYet: (s, id) => `No line for ${id ? `request ${id}` : 'this request'} in the gateway log ${s} s after it finished (Envoy writes its access log every second).`,
  keepFollowingNote: 'Still following in the background: the step passes if the line arrives. Enter sends a new request and looks for that one.',
  checking: (names) => `checking ${names}`,
  checksFailed: (n, names) => `${n} check${n === 1 ? '' : 's'} failed: ${names}.`,
  checksPassed: (n, warned) => `${n} check${n === 1 ? '' : 's'} passed${warned.length ? `, ${warned.length} with a warning (${warned.join(', ')})` : ''}.`,
  read: 'Read.',
  shuttingDown: 'The tutorial is shutting down.',
  alreadyRunning: 'This step is already running.',
  leftAlone: 'Left the existing objects alone; this step was not applied.',
  noConflict: 'There is no conflict to resolve on this step.',
  noAutoFix: (name) => `The ${name} check has no automatic fix.`,
  fixNotApplied: (d) => `The fix could not be applied: ${d}`,
  applyingFix: (d) => `Applying: ${d}`,
  applyingExplainFix: (c) => `Applying the fix: ${c}`,
  explainFixMade: (r) => `Fixed ${r}; running the step again.`,
  noExplainFix: 'The last failure offered no fix to apply.',
  runThisToFix: (cmd) => `Run this to fix it: ${cmd}`,
  appliesNothing: '# This step applies nothing.',
  saveFailed: (code) => `Progress could not be saved (${code}): fix the state folder's permissions or set XDG_STATE_HOME to a writable folder; until then it is kept in memory only.`,
  clearFailed: (reason) => `Progress could not be cleared (${reason}).`,
  driftSummary: (m, ref, managers) => `${m.replace(/\.$/, '')}; stopped retrying: ${ref} was changed by ${managers.join(', ')} after the tutorial applied it.`,
  driftDiagnosis: (ref, fields, managers, more) =>
    `${ref} was changed after the tutorial applied it: ${managers.join(', ')} changed ${fields.join(', ')}${more ? ` (and ${more} more object${more === 1 ? '' : 's'})` : ''} — re-apply the lesson's version (the tutorial asks first and takes those fields back) or undo the change, then retry.`,
  reapplying: (refs) => `re-applying ${refs.join(', ')} from the lesson's manifests`,
  noDrift: 'No changed objects to re-apply on this step.',
  reapplyFailed: (d) => `The lesson's version could not be re-applied: ${d}`,
  execHung: (program, pod) => `${program} in pod ${pod} never finished: the exec session stayed open with no output`,
  leftoverSummary: (m) => `${m}; stopped retrying: an object left from another lesson decides this result`,
  gatewayRestarted: (r, a) => `The pods restarted during this step: ${r.join(', ')} was replaced by ${a.join(', ')}, and both were followed.`,
  interruptedApply: (refs) => `Interrupted while applying; already in the cluster: ${refs.join(', ')}.`,
  removeInterrupted: (id, cleanup) =>
    `Apply the step again to finish it, or remove what it created: \`egress-tutorial reset\` removes everything the tutorial created${cleanup ? `, or run lesson ${id}'s step ${cleanup} (\`egress-tutorial run ${id}\` ends with it)` : ''}.`,
  removingLeftovers: (refs) => `removing ${refs.join(', ')}`,
  noLeftovers: 'No leftovers to remove on this step.',
  leftoversNotRemoved: (d) => `The leftovers could not be removed: ${d}`,
};

const zh: EngineMessages = {
  objects: (n) => `${n} 个对象`,
  applying: (n) => `正在应用 ${zh.objects(n)}`,
  resultWord: (r) => ({ created: '已创建', configured: '已更新', unchanged: '无变化', conflict: '冲突', error: '出错', deleted: '已删除', absent: '本就不存在', 'not-ours': '未动：不是本教程创建的' })[r],
  servedAs: (v) => `（按集群提供的版本 ${v} 应用）`,
  conflictSummary: (refs) => `${refs.join('、')} 已经存在，且不是本教程创建的。`,
  conflictAdvice: '可以接管它们（之后由本教程管理并删除），也可以保留它们并跳过这一步。',
  applyErrors: (f, t) => `${t} 个对象中有 ${f} 个未能应用。`,
  waitingForPod: (sel, ns) => `等待 ${ns} 中的 Pod ${sel} 就绪`,
  podReady: (pod) => ` Pod ${pod} 已就绪。`,
  noSidecar: (pod, ns) => `Pod ${pod} 没有 istio-proxy 边车，它的流量绕过了网格：给命名空间 ${ns} 加上 istio-injection=enabled 标签，再删除该 Pod 让它重建。`,
  applied: (t, c) => `已应用 ${zh.objects(t)}（${c} 个有变化）。`,
  deleting: (n) => `正在删除 ${zh.objects(n)}，并等待它们消失`,
  deleteErrors: (f, t) => `${t} 个对象中有 ${f} 个未能删除。`,
  removed: (d, n) => `已删除 ${zh.objects(d)}${n ? `；${n} 个不是本教程创建的对象未动` : ''}。`,
  lookingForPod: (sel, ns) => `在 ${ns} 中查找就绪的 Pod ${sel}`,
  noReadyPod: (sel, ns) => `${ns} 中没有就绪的 Pod ${sel}。`,
  lessonName: (n, title) => `第 ${n} 课（${title}）`,
  runLessonFirst: (lesson, step, cause) => `请先完成${lesson}：它的步骤“${step}”会创建这个 Pod。（${cause}）`,
  reliesOn: (refs) => `这一步依赖 ${refs.join('、')}，但集群中没有：现在运行它，结果说明不了什么。`,
  reliesOnFix: (steps) => `请返回（b）到${steps.map((s) => `“${s}”`).join('、')}并应用，然后再运行这一步。`,
  sentNewRequest: (id, what) => `已发送新的请求${id ? `（x-request-id: ${id}）` : ''}：${what}。`,
  sendingNewRequest: '正在用上一步的 curl 发送新的请求',
  attempt: (n) => `第 ${n} 次尝试`,
  running: (program, pod) => `正在 ${pod} 中运行 ${program}`,
  waitingForPush: (n, got) => `第 ${n} 次尝试得到 ${got}，等待 Istio 下发配置`,
  asExpected: (what) => `${what}，符合预期。`,
  blockedAsExpected: (what) => `${what}：请求被拦截，正是这一步所预期的。`,
  afterAttempts: (m) => m,
  unexpectedResult: '结果不符合预期',
  cancelled: '已取消。',
  diagnosing: '正在诊断',
  notRunThisSession: (step) => `步骤 ${step} 在本次会话中还没有运行：教程启动以来，来自你的客户端 Pod 的任何匹配日志行都算数。`,
  following: (sel, c, ns, id) => `正在跟踪 ${ns} 中 ${sel}（${c}）的日志，查找${id ? `请求 ${id}` : '这次请求'}`,
  stillFollowing: (sel) => `仍在跟踪 ${sel} 的日志`,
  stillFollowingFor: (sel, s) => `仍在跟踪 ${sel} 的日志（请求结束后已过 ${s} 秒）`,
  proofFound: (pod) => `在 ${pod} 的日志中找到了这次请求：流量经过了出口网关。`,
  proofFoundConnection: (pod) => `在 ${pod} 的日志中找到了这次请求的连接：它由 ztunnel 承载（ztunnel 记录的是连接，不是 HTTP 请求）。`,
  streamEnded: '日志流在请求出现之前就结束了。',
  noLogLine: (s) => `${s} 秒内日志中没有出现这次请求的记录。`,
  noLogLineYet: (s, id) => `${id ? `请求 ${id} ` : '这次请求'}结束 ${s} 秒后，网关日志中仍没有它的记录（Envoy 每秒写一次访问日志）。`,
  keepFollowingNote: '仍在后台跟踪日志：这行日志一出现，这一步就会通过。按 Enter 会发送新的请求并查找它。',
  checking: (names) => `正在检查 ${names}`,
  checksFailed: (n, names) => `${n} 项检查未通过：${names}。`,
  checksPassed: (n, warned) => `${n} 项检查通过${warned.length ? `，其中 ${warned.length} 项有警告（${warned.join('、')}）` : ''}。`,
  read: '已阅读。',
  shuttingDown: '教程正在退出。',
  alreadyRunning: '这一步正在运行。',
  leftAlone: '保留了已有对象；这一步没有应用。',
  noConflict: '这一步没有需要解决的冲突。',
  noAutoFix: (name) => `检查项 ${name} 没有自动修复。`,
  fixNotApplied: (d) => `修复未能应用：${d}`,
  applyingFix: (d) => `正在应用：${d}`,
  applyingExplainFix: (c) => `正在应用修复：${c}`,
  explainFixMade: (r) => `已修复 ${r}；重新运行这一步。`,
  noExplainFix: '上一次失败没有可以应用的修复。',
  runThisToFix: (cmd) => `运行以下命令修复：${cmd}`,
  appliesNothing: '# 这一步不应用任何对象。',
  saveFailed: (code) => `进度未能保存（${code}）：修正状态文件夹的权限，或把 XDG_STATE_HOME 设为一个可写的文件夹；在此之前进度只保存在内存中。`,
  clearFailed: (reason) => `进度未能清除（${reason}）。`,
  driftSummary: (m, ref, managers) => `${m.replace(/[。.]$/, '')}；已停止重试：${ref} 在教程应用之后被 ${managers.join('、')} 修改了。`,
  driftDiagnosis: (ref, fields, managers, more) =>
    `${ref} 在教程应用之后被修改了：${managers.join('、')} 改动了 ${fields.join('、')}${more ? `（另有 ${more} 个对象也被改动）` : ''}——重新应用课程中的版本（教程会先询问，并收回这些字段），或者自己撤销改动，然后重试。`,
  reapplying: (refs) => `正在按课程清单重新应用 ${refs.join('、')}`,
  noDrift: '这一步没有需要重新应用的被改动对象。',
  reapplyFailed: (d) => `未能重新应用课程中的版本：${d}`,
  execHung: (program, pod) => `Pod ${pod} 中的 ${program} 一直没有结束：exec 会话保持打开，却没有任何输出`,
  leftoverSummary: (m) => `${m}；已停止重试：其他课程留下的对象决定了这个结果`,
  gatewayRestarted: (r, a) => `这一步进行期间 Pod 重启了：${r.join('、')} 被 ${a.join('、')} 替换，两者的日志都跟踪了。`,
  interruptedApply: (refs) => `应用过程被中断；以下对象已经在集群中：${refs.join('、')}。`,
  removeInterrupted: (id, cleanup) =>
    `再次应用这一步即可完成它，或者删除它创建的对象：\`egress-tutorial reset\` 会删除教程创建的全部对象${cleanup ? `，也可以运行课程 ${id} 的步骤 ${cleanup}（\`egress-tutorial run ${id}\` 最后会执行它）` : ''}。`,
  removingLeftovers: (refs) => `正在删除 ${refs.join('、')}`,
  noLeftovers: '这一步没有需要删除的遗留对象。',
  leftoversNotRemoved: (d) => `遗留对象未能删除：${d}`,
};

export function engineMessages(lang: Lang): EngineMessages {
  return lang === 'zh' ? zh : en;
}

/** A sentence in both languages, so a result on screen can follow a language switch. */
export function inBoth(say: (m: EngineMessages, lang: Lang) => string): Localized {
  return { en: say(en, 'en'), zh: say(zh, 'zh') };
}
