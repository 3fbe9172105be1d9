// --help text. Kept free of imports so `--help` loads nothing heavy.

type Lang = 'en' | 'zh';

export function helpText(version: string, lang: Lang = 'en'): string {
  if (lang === 'zh') return helpTextZh(version);
  return `egress-tutorial ${version} — learn Istio egress gateways by doing it, in your terminal.

Usage: egress-tutorial [COMMAND] [FLAGS]

Commands:
  (none)              the interactive tutorial (needs a terminal)
  list                list the lessons (the core ones, then each track's)
  run [LESSON...]     walk lessons headless (the core lessons when none named): apply, verify, print
                      plain text; needs --yes; exit 0 only if every verification passed;
                      --trace prints each request's path hop by hop; --track ID walks a track
  check               pre-flight report of the cluster; exit 0 only if ready (--track ID: a track's)
  reset [--yes]       remove everything the tutorial created, and the saved progress
  manifests [LESSON...]  print the rendered YAML the lessons apply
  validate [DIR]      check a lesson folder; prints file:line: problem, exit 1 on problems
  practice            start the practice cluster (simulated, on 127.0.0.1) and print its KUBECONFIG
  class setup --learners N   the instructor: a namespace, permissions, gateway and kubeconfig per learner
                      [--prefix learner-] [--gateway own|shared] [--kubeconfig-dir DIR] [--token-hours H] [--dry-run]
  class status        the class at a glance (stuck learners first) [--watch] [--output json]
  class reset [LEARNER...]   put learners back to the start (their objects and published progress)
  class teardown      remove everything class setup made
  drill --list        list the break-fix drills (lessons 3 to 5)
  drill NAME          a break-fix drill (needs a terminal): a broken setup, its symptom, your fix;
                      --yes sets it up and prints the symptom, --check verifies (exit 0 when fixed)

Flags:
  --kubeconfig PATH   kubeconfig file(s) to use (default: $KUBECONFIG, then ~/.kube/config)
  --context NAME      kubeconfig context (default: the current context)
  -n, --namespace NS  client namespace (default: the context's namespace, else default)
  --istio-namespace NS  where Istio and the egress gateway run (default: istio-system)
  --lang en|zh        language (default from LC_ALL / LC_MESSAGES / LANG)
  --practice          use the built-in practice cluster instead of a real one
  --profile ambient   practice, --practice: Istio's ambient profile (ztunnel; default demo)
  --gateway-api CH    practice, --practice: the Gateway API CRDs, none|standard|experimental
                      (experimental also turns on istiod's alpha kinds; default experimental)
  --private-routes    practice, --practice: routes without exportTo stay in their namespace (a class
                      on one cluster needs it for the gateway-api track)
  --lessons DIR       use a custom lesson folder
  --track ID          run, check, list, manifests: a track's lessons (gateway-api, tls-origination,
                      network-policy, ambient; \`list\` shows them)
  --set NAME=VALUE    override a lesson variable, e.g. --set httpHost=example.com (repeatable)
  --gateway shared|own  whose egress gateway: the Istio namespace's (shared) or your own in your
                      namespace (own); default: the class's setting, else your saved progress, else shared
  --include-shared    with reset: also delete shared objects other namespaces still rely on
  -y, --yes           confirm changes without asking (run, reset, class, drill)
  --list, --check     drill: list the drills; verify the fix of a drill set up with --yes
  -h, --help          this help
  --version           print the version

Keys (interactive): Enter continue · y/n confirm · ← or b back · l lessons · r reset · ? help · q quit
`;
}

export const HEADLESS_HINT =
  'The interactive tutorial needs a terminal (stdin and stdout must be a TTY). Without one, use: ' +
  '`egress-tutorial run --yes` (walk every lesson headless), `egress-tutorial list`, `egress-tutorial check`, ' +
  '`egress-tutorial manifests` or `egress-tutorial --help`.';

function helpTextZh(version: string): string {
  return `egress-tutorial ${version} —— 在终端里动手学习 Istio 出口网关（Egress Gateway）。

用法：egress-tutorial [命令] [选项]

命令：
  （无）              交互式教程（需要终端）
  list                列出课程（先是核心课程，然后是各专题的课程）
  run [课程...]       无界面地运行课程（不指定则运行核心课程）：应用、验证、输出纯文本；
                      需要 --yes；所有验证都通过时退出码才为 0；
                      --trace 逐跳打印每个请求的路径；--track ID 运行一个专题
  check               集群预检报告；集群就绪时退出码为 0（--track ID：某个专题的预检）
  reset [--yes]       删除本教程创建的所有对象，并清除保存的进度
  manifests [课程...] 输出课程将要应用的 YAML（已替换变量）
  validate [目录]     检查课程目录；输出 file:line: problem，有问题时退出码为 1
  practice            启动练习集群（模拟，运行在 127.0.0.1）并输出它的 KUBECONFIG
  class setup --learners N   讲师用：为每名学员准备命名空间、权限、网关和 kubeconfig
                      [--prefix learner-] [--gateway own|shared] [--kubeconfig-dir DIR] [--token-hours H] [--dry-run]
  class status        课堂概况（卡住的学员排在前面）[--watch] [--output json]
  class reset [学员...]      让学员从头开始（删除他们的对象和已发布的进度）
  class teardown      删除 class setup 创建的一切
  drill --list        列出排障演练（第 3 到第 5 课）
  drill 名称          排障演练（需要终端）：一个有故障的配置、它的现象、你的修复；
                      --yes 布置演练并输出现象，--check 验证修复（修好时退出码为 0）

选项：
  --kubeconfig PATH   使用的 kubeconfig 文件（默认：$KUBECONFIG，其次 ~/.kube/config）
  --context NAME      kubeconfig 上下文（默认：当前上下文）
  -n, --namespace NS  客户端所在命名空间（默认：上下文的命名空间，否则 default）
  --istio-namespace NS  Istio 和出口网关所在的命名空间（默认：istio-system）
  --lang en|zh        语言（默认取自 LC_ALL / LC_MESSAGES / LANG）
  --practice          使用内置的练习集群，而不是真实集群
  --profile ambient   用于 practice、--practice：Istio 的 ambient 配置（ztunnel；默认 demo）
  --gateway-api CH    用于 practice、--practice：Gateway API 的 CRD，none|standard|experimental
                      （experimental 同时打开 istiod 的 alpha 类型；默认 experimental）
  --private-routes    用于 practice、--practice：没有 exportTo 的路由只在自己的命名空间可见（在同一
                      集群上的课堂学习 gateway-api 专题时需要）
  --lessons DIR       使用自定义课程目录
  --track ID          用于 run、check、list、manifests：某个专题的课程（gateway-api、tls-origination、
                      network-policy、ambient；\`list\` 会列出它们）
  --set NAME=VALUE    覆盖课程变量，例如 --set httpHost=example.com（可重复）
  --gateway shared|own  使用谁的出口网关：Istio 命名空间里共用的（shared），或你命名空间里自己的（own）；
                      默认：课堂的设定，其次是保存的进度，否则 shared
  --include-shared    与 reset 一起用：把其他命名空间仍在使用的共享对象也删除
  -y, --yes           不再询问，直接确认变更（run、reset、class、drill）
  --list, --check     drill：列出演练；验证用 --yes 布置的演练是否已修好
  -h, --help          显示本帮助
  --version           显示版本

按键（交互式）：Enter 继续 · y/n 确认 · ← 或 b 返回 · l 课程列表 · r 重置 · ? 帮助 · q 退出
`;
}

export const HEADLESS_HINT_ZH =
  '交互式教程需要终端（stdin 和 stdout 都必须是 TTY）。没有终端时可以使用：' +
  '`egress-tutorial run --yes`（无界面地运行全部课程）、`egress-tutorial list`、`egress-tutorial check`、' +
  '`egress-tutorial manifests` 或 `egress-tutorial --help`。';
