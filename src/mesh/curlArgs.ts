// curl 8 command-line parsing for the options learners use. Unknown options fail as curl does
// (exit 2) so a typo is not silently "understood".

export interface CurlOptions {
  silent: boolean;
  showError: boolean;
  location: boolean;
  head: boolean;
  verbose: boolean;
  insecure: boolean;
  fail: boolean;
  include: boolean;
  noProgressMeter: boolean;
  version: boolean;
  help: boolean;
  output?: string;
  dumpHeader?: string;
  /** Raw -H values in order, e.g. "x-request-id: abc". */
  headers: string[];
  userAgent?: string;
  /** -u user:password → basic Authorization. */
  user?: string;
  referer?: string;
  maxTimeSec?: number;
  connectTimeoutSec?: number;
  writeOut?: string;
  method?: string;
  data?: string;
  maxRedirs: number;
  urls: string[];
}

export type CurlArgsResult = { ok: true; options: CurlOptions } | { ok: false; stderr: string; exitCode: number };

type Flag = 'silent' | 'showError' | 'location' | 'head' | 'verbose' | 'insecure' | 'fail' | 'include' | 'noProgressMeter' | 'version' | 'help';
type Valued = 'output' | 'dumpHeader' | 'header' | 'userAgent' | 'user' | 'referer' | 'maxTime' | 'connectTimeout' | 'writeOut' | 'method' | 'data' | 'maxRedirs' | 'url' | 'ignoredValue';

interface OptionSpec {
  flag?: Flag;
  valued?: Valued;
  ignored?: boolean; // accepted and without effect here (e.g. -4, --compressed)
}

const LONG: Record<string, OptionSpec> = {
  silent: { flag: 'silent' },
  'show-error': { flag: 'showError' },
  location: { flag: 'location' },
  head: { flag: 'head' },
  verbose: { flag: 'verbose' },
  insecure: { flag: 'insecure' },
  fail: { flag: 'fail' },
  include: { flag: 'include' },
  'no-progress-meter': { flag: 'noProgressMeter' },
  version: { flag: 'version' },
  help: { flag: 'help' },
  output: { valued: 'output' },
  'dump-header': { valued: 'dumpHeader' },
  header: { valued: 'header' },
  'user-agent': { valued: 'userAgent' },
  'max-time': { valued: 'maxTime' },
  'connect-timeout': { valued: 'connectTimeout' },
  'write-out': { valued: 'writeOut' },
  request: { valued: 'method' },
  data: { valued: 'data' },
  'data-raw': { valued: 'data' },
  'data-binary': { valued: 'data' },
  'max-redirs': { valued: 'maxRedirs' },
  url: { valued: 'url' },
  referer: { valued: 'referer' },
  user: { valued: 'user' },
  resolve: { valued: 'ignoredValue' },
  retry: { valued: 'ignoredValue' },
  cacert: { valued: 'ignoredValue' },
  http1: { ignored: true },
  'http1.1': { ignored: true },
  http2: { ignored: true },
  compressed: { ignored: true },
  ipv4: { ignored: true },
  'no-buffer': { ignored: true },
};

const SHORT: Record<string, OptionSpec> = {
  s: LONG.silent,
  S: LONG['show-error'],
  L: LONG.location,
  I: LONG.head,
  v: LONG.verbose,
  k: LONG.insecure,
  f: LONG.fail,
  i: LONG.include,
  o: LONG.output,
  D: LONG['dump-header'],
  H: LONG.header,
  A: LONG['user-agent'],
  m: LONG['max-time'],
  w: LONG['write-out'],
  X: LONG.request,
  d: LONG.data,
  e: LONG.referer,
  u: LONG.user,
  '4': LONG.ipv4,
  N: LONG['no-buffer'],
  V: LONG.version,
  h: LONG.help,
};

const TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n";

function usageError(message: string): CurlArgsResult {
  return { ok: false, stderr: `curl: ${message}\n${TRY_HELP}`, exitCode: 2 };
}

export function parseCurlArgs(args: string[]): CurlArgsResult {
  const o: CurlOptions = {
    silent: false, showError: false, location: false, head: false, verbose: false, insecure: false,
    fail: false, include: false, noProgressMeter: false, version: false, help: false, headers: [], urls: [], maxRedirs: 50,
  };

  const apply = (spec: OptionSpec, shown: string, value: string | undefined): CurlArgsResult | undefined => {
    if (spec.flag) {
      o[spec.flag] = true;
      return undefined;
    }
    if (!spec.valued) return undefined;
    if (value === undefined) return usageError(`option ${shown}: requires parameter`);
    switch (spec.valued) {
      case 'output': o.output = value; break;
      case 'dumpHeader': o.dumpHeader = value; break;
      case 'header': o.headers.push(value); break;
      case 'userAgent': o.userAgent = value; break;
      case 'user': o.user = value; break;
      case 'referer': o.referer = value; break;
      case 'writeOut': o.writeOut = value; break;
      case 'method': o.method = value; break;
      case 'data': o.data = o.data === undefined ? value : `${o.data}&${value}`; break;
      case 'url': o.urls.push(value); break;
      case 'maxTime':
      case 'connectTimeout':
      case 'maxRedirs': {
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
          return usageError(`option ${shown}: expected a proper numerical parameter`);
        }
        if (spec.valued === 'maxTime') o.maxTimeSec = n;
        else if (spec.valued === 'connectTimeout') o.connectTimeoutSec = n;
        else o.maxRedirs = n;
        break;
      }
      case 'ignoredValue': break;
    }
    return undefined;
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--') && arg.length > 2) {
      let name = arg.slice(2);
      let negated = false;
      if (name.startsWith('no-') && LONG[name.slice(3)]?.flag) {
        negated = true;
        name = name.slice(3);
      }
      const spec = LONG[name];
      if (!spec) return usageError(`option ${arg}: is unknown`);
      if (negated && spec.flag) {
        o[spec.flag] = false;
        continue;
      }
      const needs = spec.valued !== undefined;
      const problem = apply(spec, arg, needs ? args[++i] : undefined);
      if (problem) return problem;
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const spec = SHORT[letter];
        if (!spec) return usageError(`option -${letter}: is unknown`);
        if (spec.valued) {
          const attached = arg.slice(j + 1);
          const value = attached !== '' ? attached : args[++i];
          const problem = apply(spec, `-${letter}`, value);
          if (problem) return problem;
          break;
        }
        const problem = apply(spec, `-${letter}`, undefined);
        if (problem) return problem;
      }
    } else {
      o.urls.push(arg);
    }
  }
  if (o.urls.length === 0 && !o.version && !o.help) return usageError('no URL specified');
  return { ok: true, options: o };
}
