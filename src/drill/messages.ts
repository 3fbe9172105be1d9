// The drill room's own sentences, in both languages (drill text comes from the drill folders).

import type { Lang } from '../lesson/model.js';

const en = {
  applying: (n: number, lesson: string) => `Applying ${n} object${n === 1 ? '' : 's'} (${lesson})…`,
  applyFailed: (what: string) => `The drill could not be set up: ${what}.`,
  waitingForClient: 'Waiting for the client pod to be Ready…',
  removingLeftovers: (label: string) => `Removing the objects of ${label}, which would change what this drill shows…`,
  cleaning: 'Removing the drill\'s objects…',
  verifying: (attempt: number): string => (attempt === 1 ? 'Sending the request again…' : `Sending the request again (attempt ${attempt}; Istio may still be pushing your change)…`),
  passed: (outcome: string) => `Fixed: ${outcome}, and the gateway logged the request.`,
  passedNoGateway: (outcome: string) => `Fixed: ${outcome}.`,
  stillFailing: (what: string) => `Still failing: ${what}.`,
  noProofLine: 'the request did not appear in the egress gateway\'s log',
  wrongMode: (name: string, mode: string) => `The drill "${name}" only works with --gateway ${mode}: in the other mode its fault changes nothing you could see.`,
  classWide: (name: string, ns: string) => `The drill "${name}" changes objects in ${ns}, which the whole class shares: in a class, do it with your own gateway (ask your instructor for --gateway own) or on the practice cluster.`,
  unknownDrill: (name: string, all: string[]) => `Unknown drill "${name}"; the drills are ${all.join(', ')} (see \`egress-tutorial drill --list\`).`,
  noDrills: 'This lesson folder has no drills (lessons/drills/).',
  listHeader: 'Break-fix drills (egress-tutorial drill NAME):',
  lessonHeading: (id: string, title: string) => `${id}  ${title}`,
  drillNeedsName: '`drill` needs a drill name, or --list to see them.',
  drillNeedsTty: (name: string) => `The interactive drill needs a terminal. Without one: \`egress-tutorial drill ${name} --yes\` sets it up and prints the symptom, \`egress-tutorial drill ${name} --check\` verifies your fix (exit 0 when fixed).`,
  notStarted: (name: string) => `The drill "${name}" is not set up here: run \`egress-tutorial drill ${name} --yes\` first.`,
  story: 'The situation',
  symptom: 'The symptom',
  theRequest: 'The request, from the client pod:',
  gatewayLog: (n: number): string => (n === 0 ? 'The egress gateway logged no line for this request.' : 'The egress gateway\'s log line for this request:'),
  sidecarLog: 'The client sidecar\'s log line:',
  pointKubectl: 'Investigate and fix it with your own kubectl. On the practice cluster, point kubectl at it first (in another terminal):',
  realCluster: (context: string, ns: string) => `Investigate and fix it with your own kubectl (context ${context}; the client namespace is ${ns}).`,
  practiceStops: 'This practice cluster stops when the command ends: run `egress-tutorial practice` in another terminal first, so the drill, your kubectl and `drill --check` share one running cluster.',
  setUpDone: (name: string) => `The drill is set up. When you have fixed it: \`egress-tutorial drill ${name} --check\`.`,
  hintTitle: (n: number) => ['Hint 1 of 3: where to look', 'Hint 2 of 3: which field', 'Hint 3 of 3: the exact fix'][n - 1] ?? '',
  why: 'Why it failed',
  verification: 'Verification',
  took: (seconds: number, hints: number) => `Time: ${formatDuration(seconds)}, hints used: ${hints} of 3.`,
  cleanedUp: (n: number) => `Removed the drill's ${n} object${n === 1 ? '' : 's'}.`,
  symptomDiffers: (want: string, got: string) => `The setup did not show the documented symptom (${want}); it showed ${got}. Is something else in the cluster changing the routes?`,
  keys: 'Enter verify my fix · h hint · q give up (removes the drill)',
  keysDone: 'q quit',
  keysBusy: 'working…',
  settingUp: 'Setting up the drill…',
  failedToStart: 'The drill could not be set up:',
  saveFailed: (why: string) => `The drill result could not be saved (${why}).`,
};

export type DrillMessages = typeof en;

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function formatDurationZh(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`;
}

const zh: DrillMessages = {
  applying: (n, lesson) => `正在应用 ${n} 个对象（${lesson}）……`,
  applyFailed: (what) => `无法布置这个演练：${what}。`,
  waitingForClient: '正在等待客户端 Pod 就绪……',
  removingLeftovers: (label) => `正在删除 ${label} 的对象，它们会改变这个演练的现象……`,
  cleaning: '正在删除演练的对象……',
  verifying: (attempt) => (attempt === 1 ? '正在重新发送请求……' : `正在重新发送请求（第 ${attempt} 次；Istio 可能还在下发你的修改）……`),
  passed: (outcome) => `已修好：${outcome}，并且出口网关记录了这个请求。`,
  passedNoGateway: (outcome) => `已修好：${outcome}。`,
  stillFailing: (what) => `仍然失败：${what}。`,
  noProofLine: '出口网关的日志中没有出现这个请求',
  wrongMode: (name, mode) => `演练 "${name}" 只能在 --gateway ${mode} 下进行：在另一种模式下，它的故障不会带来任何可见的变化。`,
  classWide: (name, ns) => `演练 "${name}" 会改动 ${ns} 中全班共用的对象：在课堂上，请用你自己的网关来做（向讲师要 --gateway own），或在练习集群上做。`,
  unknownDrill: (name, all) => `未知演练 "${name}"；可用的演练有 ${all.join('、')}（见 \`egress-tutorial drill --list\`）。`,
  noDrills: '这个课程目录没有演练（lessons/drills/）。',
  listHeader: '排障演练（egress-tutorial drill 名称）：',
  lessonHeading: (id, title) => `${id}  ${title}`,
  drillNeedsName: '`drill` 需要一个演练名称，或用 --list 查看所有演练。',
  drillNeedsTty: (name) => `交互式演练需要终端。没有终端时：\`egress-tutorial drill ${name} --yes\` 布置演练并输出现象，\`egress-tutorial drill ${name} --check\` 验证你的修复（修好时退出码为 0）。`,
  notStarted: (name) => `这里还没有布置演练 "${name}"：先运行 \`egress-tutorial drill ${name} --yes\`。`,
  story: '情况',
  symptom: '现象',
  theRequest: '从客户端 Pod 发出的请求：',
  gatewayLog: (n) => (n === 0 ? '出口网关没有为这个请求记录任何日志行。' : '出口网关为这个请求记录的日志行：'),
  sidecarLog: '客户端边车的日志行：',
  pointKubectl: '用你自己的 kubectl 排查并修复。在练习集群上，先让 kubectl 指向它（在另一个终端中）：',
  realCluster: (context, ns) => `用你自己的 kubectl 排查并修复（上下文 ${context}；客户端命名空间是 ${ns}）。`,
  practiceStops: '这个练习集群会随命令结束而停止：先在另一个终端运行 `egress-tutorial practice`，让演练、你的 kubectl 和 `drill --check` 共用同一个正在运行的集群。',
  setUpDone: (name) => `演练已布置好。修好之后运行：\`egress-tutorial drill ${name} --check\`。`,
  hintTitle: (n) => ['提示 1/3：去哪里看', '提示 2/3：哪个字段', '提示 3/3：确切的修复'][n - 1] ?? '',
  why: '为什么会失败',
  verification: '验证',
  took: (seconds, hints) => `用时：${formatDurationZh(seconds)}，使用提示：${hints}/3。`,
  cleanedUp: (n) => `已删除演练的 ${n} 个对象。`,
  symptomDiffers: (want, got) => `布置后没有出现文档所写的现象（${want}），而是 ${got}。集群中是否有别的对象在改变路由？`,
  keys: 'Enter 验证修复 · h 提示 · q 放弃（删除演练）',
  keysDone: 'q 退出',
  keysBusy: '处理中……',
  settingUp: '正在布置演练……',
  failedToStart: '无法布置这个演练：',
  saveFailed: (why) => `无法保存演练结果（${why}）。`,
};

export function drillMessages(lang: Lang): DrillMessages {
  return lang === 'zh' ? zh : en;
}
