// The classroom's sentences (the instructor's `class` verbs, the status screen, the publisher's
// warning) in English and Chinese. The English text is kept stable: scripts may grep it.

import type { Lang } from '../lesson/model.js';
import type { GatewayMode } from './model.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const range = (names: string[]): string => (names.length <= 6 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, … ${names[names.length - 1]} (${names.length})`);

const en = {
  setupHeader: (id: string, gateway: GatewayMode, istio: string, n: number, first: string, last: string) =>
    `Class "${id}": ${plural(n, 'learner')} (${first}${n > 1 ? ` … ${last}` : ''}), gateway mode ${gateway}, Istio in ${istio}.`,
  perLearner: (gateway: GatewayMode, istio: string, dir: string, hours: number) =>
    `Per learner: Namespace (istio-injection=enabled), ServiceAccount egress-tutorial-learner, Role and RoleBinding egress-tutorial-learner (the lessons' objects in their namespace only), ClusterRole and ClusterRoleBinding egress-tutorial-learner-<namespace> (read their namespace), RoleBinding in ${istio}, ConfigMap egress-tutorial-class${gateway === 'own' ? ', their egress gateway (ServiceAccount, Deployment and Service egressgateway)' : ''}; kubeconfig ${dir}/<namespace>.kubeconfig with a ${hours} h token.`,
  perClass: (gateway: GatewayMode, istio: string, prefix: string) =>
    `For the class: Role egress-tutorial-class-${prefix.replace(/[^a-z0-9]+$/, '') || 'class'} in ${istio} (mesh config, gateway pods${gateway === 'shared' ? ' and their logs' : ''})${gateway === 'shared' ? `, Telemetry egress-tutorial-gateway-access-log in ${istio} (the shared gateway's access log)` : ''}.`,
  willCreate: (names: string[]) => `Will create: ${range(names)}.`,
  alreadySetUp: (names: string[]) => `Already set up (completed where something is missing): ${range(names)}.`,
  foreign: (names: string[]) => `Exist but were not created by this class: ${range(names)} — used only if you say so for each.`,
  otherClass: (ns: string, other: string) => `${ns} belongs to class "${other}": it is left alone (pick another --prefix).`,
  terminating: (ns: string) => `${ns} is being deleted: wait until it is gone, then run this again.`,
  dryRunDone: 'Dry run: nothing was changed.',
  routesPublic: (command: string) => `Before the class opens the gateway-api track: routes without exportTo are visible to every namespace here, and the Gateway API has no exportTo, so one learner's HTTPRoute would steer the others' requests. Keep them in their namespace: ${command} (practice cluster: egress-tutorial practice --private-routes). The core lessons are not affected.`,
  confirmSetup: (n: number) => `Set up ${plural(n, 'learner')} on this cluster? [y/N] `,
  nothingChanged: 'Nothing changed.',
  confirmAdopt: (ns: string) => `Namespace ${ns} exists and was not created by the class: use it for a learner anyway (teardown will then leave the namespace itself)? [y/N] `,
  classWide: 'class',
  skippedForeign: (ns: string) =>
    `namespace ${ns} exists and was not created by the class, so it was not used: delete it, choose another --prefix, or run \`class setup\` in a terminal without --yes to be asked about it.`,
  skippedOtherClass: (ns: string, other: string) => `namespace ${ns} belongs to class "${other}": choose another --prefix.`,
  skippedTerminating: (ns: string) => `namespace ${ns} is still being deleted: run \`class setup\` again when it is gone.`,
  foreignClusterRole: (name: string) => `ClusterRole ${name} exists and was not created by the class: delete or rename it, then run \`class setup\` again.`,
  fileError: (path: string, code: string) => `Could not write ${path} (${code}): check that the --kubeconfig-dir folder is writable.`,
  learnerReady: (ns: string, created: number, path: string) => `  ${ns}: ready${created ? ` (${plural(created, 'object')} created)` : ' (nothing was missing)'}; kubeconfig ${path}`,
  learnerProblem: (ns: string, problem: string) => `  ${ns}: ${problem}`,
  setupIncomplete: (failed: number, total: number) =>
    `${failed ? `${failed} of ${plural(total, 'learner')} not ready` : 'The class-wide objects are not ready'}: fix what is listed above and run the same \`class setup\` again — it completes what is missing.`,
  setupDone: (n: number, dir: string) => `Done: ${plural(n, 'learner')} ready. Give each learner their ${dir}/<namespace>.kubeconfig; they start with \`egress-tutorial --kubeconfig <namespace>.kubeconfig\`.`,
  noGatewayManifest: 'The lesson folder has no lessons/02-setup/manifests/egress-gateway.yaml, which `--gateway own` deploys: use the tutorial\'s own lessons or --gateway shared.',
  noClass: (prefix: string) => `No class with prefix "${prefix}" on this cluster (no namespaces labelled by \`class setup\`).`,
  unknownLearners: (names: string[], all: string[]) => `Unknown learner ${names.map((n) => `"${n}"`).join(', ')}; the class has ${range(all)}.`,
  resetPlan: (names: string[]) => `Reset ${plural(names.length, 'learner')} (${range(names)}): the tutorial's objects in their namespaces and their published progress; what \`class setup\` made stays.`,
  confirmReset: (n: number) => `Reset ${plural(n, 'learner')}? [y/N] `,
  learnerReset: (ns: string, n: number) => `  ${ns}: ${plural(n, 'object')} deleted.`,
  resetIncomplete: (n: number) => `${plural(n, 'learner')} could not be fully reset: fix what is listed above and run \`class reset\` again.`,
  resetDone: (n: number) => `Done: ${plural(n, 'learner')} reset.`,
  teardownPlan: (created: string[], adopted: string[], others: string[]) =>
    [
      created.length ? `Delete ${plural(created.length, 'namespace')} the class created, with everything in them: ${range(created)}.` : '',
      adopted.length ? `From ${plural(adopted.length, 'namespace')} the class did not create, only what it put there (the namespaces stay): ${range(adopted)}.` : '',
      others.length ? `And: ${range(others)}.` : '',
      'Nothing else is touched; the learners\' kubeconfig files are removed.',
    ]
      .filter(Boolean)
      .join('\n'),
  confirmTeardown: (n: number) => `Tear the class down${n ? ` (${plural(n, 'namespace')} deleted)` : ''}? [y/N] `,
  teardownIncomplete: (n: number) => `${plural(n, 'object')} could not be deleted: fix what is listed above and run \`class teardown\` again.`,
  teardownDone: (created: number, adopted: number) => `Done: ${plural(created, 'namespace')} deleted${adopted ? `, ${plural(adopted, 'namespace')} given back` : ''}, and everything else the class made.`,
  // status
  headers: ['LEARNER', 'LESSON/STEP', 'DONE', 'LAST', 'IDLE', 'PREDICTED', 'LAST FAILURE'],
  notStarted: '(not started)',
  pass: 'pass',
  fail: 'FAIL',
  noLearners: (prefix: string) => `No learners of class "${prefix}" yet: run \`egress-tutorial class setup\` first.`,
  summary: (n: number, done: number, failing: number) => `${plural(n, 'learner')}: ${done} done, ${failing} failing.`,
  watchTitle: (id: string, time: string) => `Class "${id}" — ${time}`,
  watchKeys: 'q or Ctrl+C: quit · refreshes every few seconds',
  watchError: (message: string) => `Could not refresh: ${message}`,
  // the learner's publisher
  publishFailed: (message: string) => `Your progress could not be shared with the instructor (the tutorial goes on): ${message}`,
};

export type ClassMessages = typeof en;

const zh: ClassMessages = {
  setupHeader: (id, gateway, istio, n, first, last) => `课堂 "${id}"：${n} 名学员（${first}${n > 1 ? ` … ${last}` : ''}），网关模式 ${gateway}，Istio 位于 ${istio}。`,
  perLearner: (gateway, istio, dir, hours) =>
    `每名学员：命名空间（istio-injection=enabled）、ServiceAccount egress-tutorial-learner、Role 和 RoleBinding egress-tutorial-learner（只能操作自己命名空间中课程用到的对象）、ClusterRole 和 ClusterRoleBinding egress-tutorial-learner-<命名空间>（读取自己的命名空间）、${istio} 中的 RoleBinding、ConfigMap egress-tutorial-class${gateway === 'own' ? '、自己的出口网关（ServiceAccount、Deployment 和 Service egressgateway）' : ''}；kubeconfig ${dir}/<命名空间>.kubeconfig，令牌有效期 ${hours} 小时。`,
  perClass: (gateway, istio, prefix) =>
    `整个课堂：${istio} 中的 Role egress-tutorial-class-${prefix.replace(/[^a-z0-9]+$/, '') || 'class'}（网格配置、网关 Pod${gateway === 'shared' ? '及其日志' : ''}）${gateway === 'shared' ? `，${istio} 中的 Telemetry egress-tutorial-gateway-access-log（共享网关的访问日志）` : ''}。`,
  willCreate: (names) => `将创建：${range(names)}。`,
  alreadySetUp: (names) => `已经搭建过（缺少的部分会补上）：${range(names)}。`,
  foreign: (names) => `已存在但不是本课堂创建的：${range(names)} —— 只有你逐个同意后才会使用。`,
  otherClass: (ns, other) => `${ns} 属于课堂 "${other}"：不会动它（请换一个 --prefix）。`,
  terminating: (ns) => `${ns} 正在删除中：等它删除完后再运行一次。`,
  dryRunDone: '试运行：没有做任何改动。',
  routesPublic: (command) => `课堂开始 gateway-api 专题之前：这里没有 exportTo 的路由对所有命名空间可见，而 Gateway API 没有 exportTo，所以一个学员的 HTTPRoute 会把其他学员的请求引走。让路由只在各自的命名空间可见：${command}（练习集群：egress-tutorial practice --private-routes）。核心课程不受影响。`,
  confirmSetup: (n) => `在这个集群上为 ${n} 名学员搭建环境？[y/N] `,
  nothingChanged: '没有做任何改动。',
  confirmAdopt: (ns) => `命名空间 ${ns} 已存在，而且不是课堂创建的：仍然把它分配给一名学员吗（拆除课堂时会保留这个命名空间本身）？[y/N] `,
  classWide: '课堂',
  skippedForeign: (ns) => `命名空间 ${ns} 已存在且不是课堂创建的，因此没有使用它：删除它、换一个 --prefix，或在终端中不加 --yes 运行 \`class setup\`，逐个确认。`,
  skippedOtherClass: (ns, other) => `命名空间 ${ns} 属于课堂 "${other}"：请换一个 --prefix。`,
  skippedTerminating: (ns) => `命名空间 ${ns} 仍在删除中：等它删除完后再运行 \`class setup\`。`,
  foreignClusterRole: (name) => `ClusterRole ${name} 已存在且不是课堂创建的：删除或重命名它，然后再运行 \`class setup\`。`,
  fileError: (path, code) => `无法写入 ${path}（${code}）：请确认 --kubeconfig-dir 目录可写。`,
  learnerReady: (ns, created, path) => `  ${ns}：就绪${created ? `（创建了 ${created} 个对象）` : '（没有缺少的部分）'}；kubeconfig ${path}`,
  learnerProblem: (ns, problem) => `  ${ns}：${problem}`,
  setupIncomplete: (failed, total) => `${failed ? `${total} 名学员中有 ${failed} 名未就绪` : '课堂级别的对象未就绪'}：修正上面列出的问题，再运行同样的 \`class setup\` —— 它会补上缺少的部分。`,
  setupDone: (n, dir) => `完成：${n} 名学员已就绪。把 ${dir}/<命名空间>.kubeconfig 分发给各位学员；他们用 \`egress-tutorial --kubeconfig <命名空间>.kubeconfig\` 开始。`,
  noGatewayManifest: '课程目录中没有 lessons/02-setup/manifests/egress-gateway.yaml，而 `--gateway own` 要部署它：请使用教程自带的课程，或改用 --gateway shared。',
  noClass: (prefix) => `这个集群上没有前缀为 "${prefix}" 的课堂（没有 \`class setup\` 标记过的命名空间）。`,
  unknownLearners: (names, all) => `未知学员 ${names.map((n) => `"${n}"`).join('、')}；本课堂有 ${range(all)}。`,
  resetPlan: (names) => `重置 ${names.length} 名学员（${range(names)}）：他们命名空间中教程创建的对象和已发布的进度；\`class setup\` 创建的对象保留。`,
  confirmReset: (n) => `重置 ${n} 名学员？[y/N] `,
  learnerReset: (ns, n) => `  ${ns}：删除了 ${n} 个对象。`,
  resetIncomplete: (n) => `${n} 名学员未能完全重置：修正上面列出的问题，再运行 \`class reset\`。`,
  resetDone: (n) => `完成：已重置 ${n} 名学员。`,
  teardownPlan: (created, adopted, others) =>
    [
      created.length ? `删除课堂创建的 ${created.length} 个命名空间及其中的一切：${range(created)}。` : '',
      adopted.length ? `在 ${adopted.length} 个不是课堂创建的命名空间中，只删除课堂放进去的对象（命名空间保留）：${range(adopted)}。` : '',
      others.length ? `以及：${range(others)}。` : '',
      '其他一概不动；学员的 kubeconfig 文件会被删除。',
    ]
      .filter(Boolean)
      .join('\n'),
  confirmTeardown: (n) => `拆除课堂${n ? `（删除 ${n} 个命名空间）` : ''}？[y/N] `,
  teardownIncomplete: (n) => `${n} 个对象未能删除：修正上面列出的问题，再运行 \`class teardown\`。`,
  teardownDone: (created, adopted) => `完成：删除了 ${created} 个命名空间${adopted ? `，归还了 ${adopted} 个命名空间` : ''}，以及课堂创建的其他一切。`,
  headers: ['学员', '课程/步骤', '完成', '最近', '空闲', '预测正确', '最近的失败'],
  notStarted: '（未开始）',
  pass: '通过',
  fail: '失败',
  noLearners: (prefix) => `课堂 "${prefix}" 还没有学员：请先运行 \`egress-tutorial class setup\`。`,
  summary: (n, done, failing) => `${n} 名学员：${done} 名完成，${failing} 名失败中。`,
  watchTitle: (id, time) => `课堂 "${id}" —— ${time}`,
  watchKeys: 'q 或 Ctrl+C：退出 · 每隔几秒刷新',
  watchError: (message) => `无法刷新：${message}`,
  publishFailed: (message) => `你的进度无法共享给讲师（教程照常进行）：${message}`,
};

export function classMessages(lang: Lang): ClassMessages {
  return lang === 'zh' ? zh : en;
}
