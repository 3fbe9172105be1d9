// The CLI's own sentences (usage errors, check and reset reports, top-level errors) in both
// languages. The English text is kept stable: scripts may grep it.

import type { Lang } from '../lesson/model.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const en = {
  hint: 'run `egress-tutorial --help` for usage',
  unknownFlag: (flag: string, hint: string) => `Unknown flag ${flag}; ${hint}.`,
  needsValue: (flag: string, hint: string) => `${flag} needs a value (e.g. ${flag} VALUE); ${hint}.`,
  badCommandLine: (detail: string, hint: string) => `${detail}; ${hint}.`,
  unknownCommand: (command: string, commands: string, hint: string) => `Unknown command "${command}"; the commands are ${commands} (${hint}).`,
  tooManyArgs: (verb: string, max: number, got: string, hint: string) =>
    `${verb === 'interactive' ? 'egress-tutorial' : `"${verb}"`} takes ${max === 0 ? 'no arguments' : `at most ${max} argument`}, got "${got}"; ${hint}.`,
  drillOnlyFlag: (flag: string, hint: string) => `${flag} belongs to \`egress-tutorial drill\` (e.g. \`egress-tutorial drill ${flag}\`); ${hint}.`,
  runOnlyFlag: (flag: string, hint: string) => `${flag} belongs to \`egress-tutorial run\` (e.g. \`egress-tutorial run --yes ${flag}\`); ${hint}.`,
  badLang: (value: string) => `--lang must be en or zh, not "${value}".`,
  badGateway: (value: string) => `--gateway must be shared (the Istio namespace's egress gateway) or own (your own, in your namespace), not "${value}".`,
  gatewayFrom: (mode: string, source: 'flag' | 'class' | 'progress' | 'default', klass?: string) =>
    `Gateway mode ${mode}${source === 'flag' ? ' (--gateway)' : source === 'class' ? ` (set by the class${klass ? ` "${klass}"` : ''})` : source === 'progress' ? ' (from your saved progress)' : ''}.`,
  sharedNote: ' — shared: deleted only if no other namespace relies on it',
  sharedKept: (n: number, names: string) => `Left in place: ${plural(n, 'shared object')} other namespaces rely on or may rely on (${names}); \`reset --include-shared\` deletes them too.`,
  badNamespace: (flag: string, value: string) => `${flag} "${value}" is not a valid namespace name (lower-case letters, digits and '-', at most 63).`,
  emptyValue: (flag: string) => `${flag} needs a non-empty value.`,
  unknownLesson: (names: string[], all: string[]) => `Unknown lesson ${names.map((u) => `"${u}"`).join(', ')}; the lessons are ${all.join(', ')}.`,
  trackOnlyFlag: (hint: string) => `--track belongs to \`run\`, \`check\`, \`manifests\` and \`list\` (e.g. \`egress-tutorial run --yes --track gateway-api\`); ${hint}.`,
  unknownTrack: (name: string, all: string[]) => all.length ? `There is no track "${name}"; the tracks are ${all.join(', ')} (\`egress-tutorial list\` shows them).` : `There is no track "${name}": these lessons have no tracks.`,
  emptyTrack: (name: string) => `Track "${name}" has no lessons in this lessons folder yet (\`egress-tutorial list\` shows the lessons there are).`,
  trackHeading: (title: string, requires: string, id: string) => `Track ${id}: ${title} — needs ${requires}`,
  runNeedsYes: '`run` applies the lessons\' manifests to the cluster: add --yes to confirm (or start the interactive tutorial).',
  resetNeedsYes: '`reset` deletes what the tutorial created and the saved progress: add --yes to confirm.',
  preflightFor: (where: string, namespace: string, istioNamespace: string) => `Pre-flight for ${where}, namespace ${namespace}, Istio in ${istioNamespace}:`,
  practiceWhere: 'the practice cluster (simulated)',
  contextWhere: (context: string, server: string) => `context ${context} (${server})`,
  notReady: (fails: number) => `Not ready: ${plural(fails, 'check')} failed.`,
  ready: (warns: number) => `Ready${warns ? ` (${plural(warns, 'warning')})` : ''}.`,
  nothingCreated: 'The tutorial created nothing that still exists here.',
  created: (n: number) => `The tutorial created ${plural(n, 'object')}:`,
  confirmReset: (any: boolean) => `Delete ${any ? 'them' : 'nothing'} and clear the saved progress? [y/N] `,
  nothingChanged: 'Nothing changed.',
  resetErrors: (n: number, names: string[]) => `${plural(n, 'object')} could not be deleted (${names.join(', ')}); progress cleared. Run \`egress-tutorial reset\` again to remove ${n === 1 ? 'it' : 'them'}.`,
  resetDone: 'Done: removed what the tutorial created and cleared the saved progress.',
  interrupted: (saved: boolean) => `interrupted${saved ? '; progress is saved' : ''}.`,
  failedAt: (where: string, summary: string) => `FAILED at ${where}: ${summary}`,
  unexpected: (message: string) => `unexpected error: ${message} (please report it with the command you ran).`,
  classUsage: 'class takes a sub-command: setup, status, reset or teardown (e.g. `egress-tutorial class setup --learners 20`).',
  unknownClassCommand: (sub: string) => `Unknown class sub-command "${sub}"; the sub-commands are setup, status, reset and teardown.`,
  classNeedsYes: (sub: string) => `\`class ${sub}\` changes the cluster and there is no terminal to ask on: add --yes to confirm${sub === 'setup' ? ' (or --dry-run to see what it would create)' : ''}.`,
  learnersNeeded: '`class setup` needs --learners N (how many learners, 1 to 500), e.g. --learners 20.',
  badLearners: (value: string) => `--learners must be a whole number from 1 to 500, not "${value}".`,
  badPrefix: (value: string) => `--prefix "${value}" cannot start a namespace name: use lower-case letters, digits and '-', starting with a letter or digit (e.g. learner-).`,
  badTokenHours: (value: string) => `--token-hours must be a number of hours from 1 to 168, not "${value}".`,
  badOutput: (value: string) => `--output must be json (or left out for the table), not "${value}".`,
  classExtraArgs: (sub: string, got: string) => `\`class ${sub}\` takes no arguments, got "${got}".`,
  flagNotFor: (flag: string, sub: string) => `${flag} is not a flag of \`class ${sub}\`; run \`egress-tutorial --help\` for usage.`,
};

export type CliMessages = typeof en;

const zh: CliMessages = {
  hint: '用法见 `egress-tutorial --help`',
  unknownFlag: (flag, hint) => `未知选项 ${flag}；${hint}。`,
  needsValue: (flag, hint) => `${flag} 需要一个值（例如 ${flag} VALUE）；${hint}。`,
  badCommandLine: (detail, hint) => `${detail}；${hint}。`,
  unknownCommand: (command, commands, hint) => `未知命令 "${command}"；可用的命令有 ${commands}（${hint}）。`,
  tooManyArgs: (verb, max, got, hint) =>
    `${verb === 'interactive' ? 'egress-tutorial' : `"${verb}"`} ${max === 0 ? '不接受参数' : `最多接受 ${max} 个参数`}，却收到了 "${got}"；${hint}。`,
  drillOnlyFlag: (flag, hint) => `${flag} 只用于 \`egress-tutorial drill\`（例如 \`egress-tutorial drill ${flag}\`）；${hint}。`,
  runOnlyFlag: (flag, hint) => `${flag} 只用于 \`egress-tutorial run\`（例如 \`egress-tutorial run --yes ${flag}\`）；${hint}。`,
  badLang: (value) => `--lang 只能是 en 或 zh，不能是 "${value}"。`,
  badGateway: (value) => `--gateway 只能是 shared（Istio 命名空间里的出口网关）或 own（你自己命名空间里的网关），不能是 "${value}"。`,
  gatewayFrom: (mode, source, klass) =>
    `网关模式 ${mode}${source === 'flag' ? '（--gateway）' : source === 'class' ? `（由课堂${klass ? ` "${klass}"` : ''}设定）` : source === 'progress' ? '（来自你保存的进度）' : ''}。`,
  sharedNote: ' —— 共享对象：只有没有其他命名空间依赖它时才会删除',
  sharedKept: (n, names) => `保留了 ${n} 个其他命名空间正在或可能在使用的共享对象（${names}）；\`reset --include-shared\` 会把它们也删除。`,
  badNamespace: (flag, value) => `${flag} "${value}" 不是合法的命名空间名（小写字母、数字和 '-'，最多 63 个字符）。`,
  emptyValue: (flag) => `${flag} 需要一个非空的值。`,
  unknownLesson: (names, all) => `未知课程 ${names.map((u) => `"${u}"`).join('、')}；可用的课程有 ${all.join('、')}。`,
  trackOnlyFlag: (hint) => `--track 只用于 \`run\`、\`check\`、\`manifests\` 和 \`list\`（例如 \`egress-tutorial run --yes --track gateway-api\`）；${hint}。`,
  unknownTrack: (name, all) => all.length ? `没有名为 "${name}" 的专题；可用的专题有 ${all.join('、')}（\`egress-tutorial list\` 会列出它们）。` : `没有名为 "${name}" 的专题：这些课程没有专题。`,
  emptyTrack: (name) => `专题 "${name}" 在这个课程目录里还没有课程（\`egress-tutorial list\` 会列出已有的课程）。`,
  trackHeading: (title, requires, id) => `专题 ${id}：${title} —— 需要 ${requires}`,
  runNeedsYes: '`run` 会把课程的清单应用到集群：加上 --yes 确认（或者启动交互式教程）。',
  resetNeedsYes: '`reset` 会删除本教程创建的对象和保存的进度：加上 --yes 确认。',
  preflightFor: (where, namespace, istioNamespace) => `预检：${where}，命名空间 ${namespace}，Istio 位于 ${istioNamespace}：`,
  practiceWhere: '练习集群（模拟）',
  contextWhere: (context, server) => `上下文 ${context}（${server}）`,
  notReady: (fails) => `未就绪：${fails} 项检查未通过。`,
  ready: (warns) => `已就绪${warns ? `（${warns} 项警告）` : ''}。`,
  nothingCreated: '本教程创建的对象在这里都已不存在。',
  created: (n) => `本教程创建了 ${n} 个对象：`,
  confirmReset: (any) => `${any ? '删除它们' : '不删除任何对象'}并清除保存的进度？[y/N] `,
  nothingChanged: '没有做任何改动。',
  resetErrors: (n, names) => `${n} 个对象未能删除（${names.join('、')}）；进度已清除。再运行一次 \`egress-tutorial reset\` 来删除${n === 1 ? '它' : '它们'}。`,
  resetDone: '完成：已删除本教程创建的对象，并清除了保存的进度。',
  interrupted: (saved) => `已中断${saved ? '；进度已保存' : ''}。`,
  failedAt: (where, summary) => `失败（FAILED）于 ${where}：${summary}`,
  unexpected: (message) => `意外错误：${message}（请连同所运行的命令一起报告）。`,
  classUsage: 'class 需要一个子命令：setup、status、reset 或 teardown（例如 `egress-tutorial class setup --learners 20`）。',
  unknownClassCommand: (sub) => `未知的 class 子命令 "${sub}"；可用的子命令有 setup、status、reset 和 teardown。`,
  classNeedsYes: (sub) => `\`class ${sub}\` 会改动集群，而这里没有可以询问的终端：加上 --yes 确认${sub === 'setup' ? '（或用 --dry-run 查看它会创建什么）' : ''}。`,
  learnersNeeded: '`class setup` 需要 --learners N（学员人数，1 到 500），例如 --learners 20。',
  badLearners: (value) => `--learners 必须是 1 到 500 之间的整数，不能是 "${value}"。`,
  badPrefix: (value) => `--prefix "${value}" 不能作为命名空间名称的开头：请使用小写字母、数字和 '-'，并以字母或数字开头（例如 learner-）。`,
  badTokenHours: (value) => `--token-hours 必须是 1 到 168 之间的小时数，不能是 "${value}"。`,
  badOutput: (value) => `--output 只能是 json（或不写，输出表格），不能是 "${value}"。`,
  classExtraArgs: (sub, got) => `\`class ${sub}\` 不接受参数，却收到了 "${got}"。`,
  flagNotFor: (flag, sub) => `${flag} 不是 \`class ${sub}\` 的选项；用法见 \`egress-tutorial --help\`。`,
};

export function cliMessages(lang: Lang): CliMessages {
  return lang === 'zh' ? zh : en;
}
