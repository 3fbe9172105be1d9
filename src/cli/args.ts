// Command-line parsing (pure): verbs, global flags, the default language. Errors are UsageError
// (exit 2) with one sentence and a hint.

import { parseArgs } from 'node:util';
import type { GatewayMode, Lang } from '../lesson/model.js';
import { cliMessages, type CliMessages } from './messages.js';

/** The practice cluster's Istio install profiles: demo (sidecars), ambient (demo plus ztunnel). */
export const PRACTICE_PROFILES = ['demo', 'ambient'] as const;
export type PracticeProfile = (typeof PRACTICE_PROFILES)[number];
/** The Gateway API channels the practice cluster can install (`--gateway-api`). */
export const PRACTICE_GATEWAY_API = ['none', 'standard', 'experimental'] as const;
export type PracticeGatewayApi = (typeof PRACTICE_GATEWAY_API)[number];

export const VERBS = ['list', 'run', 'check', 'reset', 'manifests', 'validate', 'practice', 'class', 'drill', 'help'] as const;
export type Verb = 'interactive' | (typeof VERBS)[number];

export interface CliFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  istioNamespace: string;
  lang: Lang;
  practice: boolean;
  /** `practice --profile ambient` / `--practice --profile ambient`: the practice cluster's Istio profile. */
  profile?: PracticeProfile;
  /** `practice --gateway-api experimental`: which Gateway API CRDs the practice cluster installs. */
  gatewayApi?: PracticeGatewayApi;
  /** `practice --private-routes`: meshConfig.defaultVirtualServiceExportTo ["."] on the practice cluster. */
  privateRoutes?: boolean;
  lessons?: string;
  set: string[];
  /** `--gateway shared|own`; undefined when not given (the class, the saved progress or shared decide). */
  gateway?: GatewayMode;
  /** `reset --include-shared`: also delete shared objects other namespaces rely on. */
  includeShared?: boolean;
  yes: boolean;
  /** Additive: `run --trace` prints each verification's request trace. */
  trace?: boolean;
  /** `run|check|manifests --track ID`: a track's lessons (course.yaml `tracks:`) instead of the core ones. */
  track?: string;
  /** drill --list: list the drills. */
  list: boolean;
  /** drill NAME --check: verify the learner's fix (exit 0 when fixed). */
  check: boolean;
  help: boolean;
  version: boolean;
  /** Additive (classroom): `class` flags, checked by the class verb. */
  learners?: string;
  prefix?: string;
  kubeconfigDir?: string;
  tokenHours?: string;
  dryRun: boolean;
  watch: boolean;
  output?: string;
}

export interface ParsedCli {
  verb: Verb;
  args: string[]; // positionals after the verb
  flags: CliFlags;
}

/** A mistake in how the command was typed: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** zh when the first set of LC_ALL, LC_MESSAGES, LANG starts with "zh"; else en. */
export function defaultLang(env: NodeJS.ProcessEnv): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

const OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'istio-namespace': { type: 'string' },
  lang: { type: 'string' },
  practice: { type: 'boolean' },
  profile: { type: 'string' },
  'gateway-api': { type: 'string' },
  'private-routes': { type: 'boolean' },
  lessons: { type: 'string' },
  set: { type: 'string', multiple: true },
  gateway: { type: 'string' },
  'include-shared': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  trace: { type: 'boolean' },
  track: { type: 'string' },
  list: { type: 'boolean' },
  check: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  learners: { type: 'string' },
  prefix: { type: 'string' },
  'kubeconfig-dir': { type: 'string' },
  'token-hours': { type: 'string' },
  'dry-run': { type: 'boolean' },
  watch: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const;

/** How many positionals each verb takes after it. */
const MAX_ARGS: Record<Verb, number> = {
  interactive: 0,
  list: 0,
  run: Infinity,
  check: 0,
  reset: 0,
  manifests: Infinity,
  validate: 1,
  practice: 0,
  class: Infinity, // a sub-command, then learners for `class reset`
  drill: 1,
  help: 0,
};

function translateParseError(error: unknown, m: CliMessages): UsageError {
  const err = error as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(err.message ?? '')?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(m.unknownFlag(quoted ?? '', m.hint));
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted?.split(' ')[0] ?? 'a flag';
      return new UsageError(m.needsValue(flag, m.hint));
    }
    default:
      return new UsageError(m.badCommandLine((err.message ?? 'Bad command line').split('\n')[0], m.hint));
  }
}

/** The language for sentences about the command line itself: a valid --lang in argv wins over the locale. */
export function argvLang(argv: string[], env: NodeJS.ProcessEnv): Lang {
  let lang = defaultLang(env);
  argv.forEach((arg, i) => {
    const value = arg === '--lang' ? argv[i + 1] : arg.startsWith('--lang=') ? arg.slice('--lang='.length) : undefined;
    if (value === 'en' || value === 'zh') lang = value;
  });
  return lang;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): ParsedCli {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw translateParseError(error, cliMessages(argvLang(argv, env)));
  }
  const { values, positionals } = parsed;
  const m = cliMessages(argvLang(argv, env));
  const [first, ...rest] = positionals;
  let verb: Verb = 'interactive';
  if (first !== undefined) {
    if (!(VERBS as readonly string[]).includes(first)) throw new UsageError(m.unknownCommand(first, VERBS.filter((v) => v !== 'help').join(', '), m.hint));
    verb = first as Verb;
  }
  if (rest.length > MAX_ARGS[verb])
    throw new UsageError(m.tooManyArgs(verb, MAX_ARGS[verb], rest.join(' '), m.hint));

  let lang = defaultLang(env);
  if (values.lang !== undefined) {
    if (values.lang !== 'en' && values.lang !== 'zh') throw new UsageError(m.badLang(values.lang));
    lang = values.lang;
  }
  if (values.gateway !== undefined && values.gateway !== 'shared' && values.gateway !== 'own') throw new UsageError(m.badGateway(values.gateway));
  for (const [flag, value] of [
    ['-n/--namespace', values.namespace],
    ['--istio-namespace', values['istio-namespace']],
  ] as const) {
    if (value !== undefined && !NAMESPACE.test(value)) throw new UsageError(m.badNamespace(flag, value));
  }
  for (const [flag, value] of [
    ['--kubeconfig', values.kubeconfig],
    ['--context', values.context],
    ['--lessons', values.lessons],
    ['--kubeconfig-dir', values['kubeconfig-dir']],
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new UsageError(m.emptyValue(flag));
  }

  for (const flag of ['list', 'check'] as const) if (values[flag] && verb !== 'drill') throw new UsageError(m.drillOnlyFlag(`--${flag}`, m.hint));
  if (values.trace && verb !== 'run') throw new UsageError(m.runOnlyFlag('--trace', m.hint));
  if (values.track !== undefined && !['run', 'check', 'manifests', 'list'].includes(verb)) throw new UsageError(m.trackOnlyFlag(m.hint));
  if (values.track !== undefined && values.track.trim() === '') throw new UsageError(m.emptyValue('--track'));
  if (values.profile !== undefined) {
    if (!(PRACTICE_PROFILES as readonly string[]).includes(values.profile)) throw new UsageError(m.badProfile(values.profile, PRACTICE_PROFILES.join(', '), m.hint));
    if (verb !== 'practice' && !values.practice) throw new UsageError(m.profileOnlyPractice(m.hint));
  }
  const gatewayApi = values['gateway-api'];
  if (gatewayApi !== undefined) {
    if (!(PRACTICE_GATEWAY_API as readonly string[]).includes(gatewayApi)) throw new UsageError(m.badGatewayApi(gatewayApi, PRACTICE_GATEWAY_API.join(', '), m.hint));
    if (verb !== 'practice' && !values.practice) throw new UsageError(m.gatewayApiOnlyPractice(m.hint));
  }
  if (values['private-routes'] && verb !== 'practice' && !values.practice) throw new UsageError(m.privateRoutesOnlyPractice(m.hint));

  return {
    verb: verb === 'help' ? 'help' : verb,
    args: rest,
    flags: {
      kubeconfig: values.kubeconfig,
      context: values.context,
      namespace: values.namespace,
      istioNamespace: values['istio-namespace'] ?? 'istio-system',
      lang,
      practice: values.practice ?? false,
      ...(values.profile !== undefined ? { profile: values.profile as PracticeProfile } : {}),
      ...(gatewayApi !== undefined ? { gatewayApi: gatewayApi as PracticeGatewayApi } : {}),
      ...(values['private-routes'] ? { privateRoutes: true } : {}),
      lessons: values.lessons,
      set: values.set ?? [],
      ...(values.gateway !== undefined ? { gateway: values.gateway as GatewayMode } : {}),
      ...(values['include-shared'] ? { includeShared: true } : {}),
      yes: values.yes ?? false,
      ...(values.trace ? { trace: true } : {}),
      ...(values.track !== undefined ? { track: values.track } : {}),
      list: values.list ?? false,
      check: values.check ?? false,
      help: values.help ?? verb === 'help',
      version: values.version ?? false,
      learners: values.learners,
      prefix: values.prefix,
      kubeconfigDir: values['kubeconfig-dir'],
      tokenHours: values['token-hours'],
      dryRun: values['dry-run'] ?? false,
      watch: values.watch ?? false,
      output: values.output,
    },
  };
}
