// --help text. Kept free of imports so `--help` loads nothing heavy.

export function helpText(version: string): string {
  return `egress-tutorial ${version} — learn Istio egress gateways by doing it, in your terminal.

Usage: egress-tutorial [COMMAND] [FLAGS]

Commands:
  (none)              the interactive tutorial (needs a terminal)
  list                list the lessons
  run [LESSON...]     walk lessons headless (all when none named): apply, verify, print plain text;
                      needs --yes; exit 0 only if every verification passed
  check               pre-flight report of the cluster; exit 0 only if ready
  reset [--yes]       remove everything the tutorial created, and the saved progress
  manifests [LESSON...]  print the rendered YAML the lessons apply
  validate [DIR]      check a lesson folder; prints file:line: problem, exit 1 on problems
  practice            start the practice cluster (simulated, on 127.0.0.1) and print its KUBECONFIG

Flags:
  --kubeconfig PATH   kubeconfig file(s) to use (default: $KUBECONFIG, then ~/.kube/config)
  --context NAME      kubeconfig context (default: the current context)
  -n, --namespace NS  client namespace (default: the context's namespace, else default)
  --istio-namespace NS  where Istio and the egress gateway run (default: istio-system)
  --lang en|zh        language (default from LC_ALL / LC_MESSAGES / LANG)
  --practice          use the built-in practice cluster instead of a real one
  --lessons DIR       use a custom lesson folder
  --set NAME=VALUE    override a lesson variable, e.g. --set httpHost=example.com (repeatable)
  -y, --yes           confirm changes without asking (run, reset)
  -h, --help          this help
  --version           print the version

Keys (interactive): Enter continue · y/n confirm · ← or b back · l lessons · r reset · ? help · q quit
`;
}

export const HEADLESS_HINT =
  'The interactive tutorial needs a terminal (stdin and stdout must be a TTY). Without one, use: ' +
  '`egress-tutorial run --yes` (walk every lesson headless), `egress-tutorial list`, `egress-tutorial check`, ' +
  '`egress-tutorial manifests` or `egress-tutorial --help`.';
