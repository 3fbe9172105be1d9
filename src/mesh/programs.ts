// The programs a learner runs in a pod: curl (through the mesh), the shell, and a few small
// utilities as busybox (the curl image's userland) prints them.

import { runCurl, type ProgramOutput } from './curl.js';
import { runWget } from './wget.js';
import { resolveInPod } from './dns.js';
import { type Net, startTime } from './net.js';
import { expandWord, parseCommandLine, type Pipeline } from './shell.js';

export interface PodEnvironment {
  net: Net;
  env: Record<string, string>;
  files: Record<string, string>;
}

const ok = (stdout = ''): ProgramOutput => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, exitCode = 1): ProgramOutput => ({ stdout: '', stderr, exitCode });

export function podEnvironment(net: Net): Pick<PodEnvironment, 'env' | 'files'> {
  const pod = net.client;
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.name,
    HOME: '/home/curl_user',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  };
  const files: Record<string, string> = {
    '/etc/hostname': `${pod.name}\n`,
    '/etc/resolv.conf': `search ${pod.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
    '/etc/hosts': `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${pod.ip}\t${pod.name}\n`,
  };
  return { env, files };
}

/** Run one program with its argv (argv[0] is the program) and stdin. */
export function runProgram(pe: PodEnvironment, argv: string[], stdin: string, inShell: boolean): ProgramOutput {
  const [program, ...args] = argv;
  const name = program.split('/').pop() ?? program;
  switch (name) {
    case 'curl':
      return runCurl(pe.net, args, (path, text) => writeFile(pe, path, text));
    case 'wget':
      return runWget(pe.net, args, (path, text) => writeFile(pe, path, text));
    case 'sh':
    case 'bash':
    case 'ash':
      return runShell(pe, name, args, stdin);
    case 'echo':
      return echo(args);
    case 'hostname':
      return ok(`${pe.net.client.name}\n`);
    case 'true':
      return ok();
    case 'false':
      return { stdout: '', stderr: '', exitCode: 1 };
    case 'sleep':
      return args.length > 0 && args.every((a) => /^\d+(\.\d+)?[smhd]?$/.test(a))
        ? ok()
        : fail(args.length === 0 ? 'BusyBox v1.37.0 multi-call binary.\n\nUsage: sleep [N]...\n' : `sleep: invalid number '${args.find((a) => !/^\d+(\.\d+)?[smhd]?$/.test(a))}'\n`);
    case 'env':
    case 'printenv':
      if (name === 'printenv' && args.length > 0) {
        const values = args.map((a) => pe.env[a]);
        return { stdout: values.filter((v) => v !== undefined).map((v) => `${v}\n`).join(''), stderr: '', exitCode: values.every((v) => v !== undefined) ? 0 : 1 };
      }
      return ok(Object.entries(pe.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    case 'cat':
      return cat(pe, args, stdin);
    case 'head':
    case 'tail':
      return headTail(name, args, stdin);
    case 'grep':
      return grep(args, stdin);
    case 'wc':
      return wc(args, stdin);
    case 'nslookup':
      return nslookup(pe, args);
    case 'date':
      return ok(`${formatDate(startTime(pe.net, 0), args.find((a) => a.startsWith('+'))?.slice(1))}\n`);
    case 'pwd':
      return ok(`${HOME}\n`);
    case 'whoami':
      return ok('curl_user\n');
    case 'id':
      return ok('uid=100(curl_user) gid=101(curl_group) groups=101(curl_group)\n');
    case 'which':
      return which(args);
    default: {
      const message = inShell
        ? `sh: ${program}: not found\n`
        : `OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown\n`;
      return fail(message, 127);
    }
  }
}

const KNOWN_PROGRAMS: Record<string, string> = {
  curl: '/usr/bin/curl', sh: '/bin/sh', ash: '/bin/ash', echo: '/bin/echo', hostname: '/bin/hostname', true: '/bin/true',
  false: '/bin/false', sleep: '/bin/sleep', env: '/usr/bin/env', printenv: '/usr/bin/printenv', cat: '/bin/cat', head: '/usr/bin/head',
  tail: '/usr/bin/tail', grep: '/bin/grep', wc: '/usr/bin/wc', nslookup: '/usr/bin/nslookup', date: '/bin/date', pwd: '/bin/pwd',
  whoami: '/usr/bin/whoami', id: '/usr/bin/id', which: '/usr/bin/which', wget: '/usr/bin/wget',
};

const HOME = '/home/curl_user';
const absolute = (path: string): string => (path.startsWith('/') ? path : `${HOME}/${path.replace(/^\.\//, '')}`);

/** Files written during one exec (curl -o, wget) stay readable by later commands of that exec. */
function writeFile(pe: PodEnvironment, path: string, text: string): void {
  if (path === '/dev/null' || path === '/dev/stdout' || path === '-') return;
  pe.files[absolute(path)] = text;
}

function which(args: string[]): ProgramOutput {
  const found = args.map((a) => KNOWN_PROGRAMS[a]).filter((p): p is string => p !== undefined);
  return { stdout: found.map((p) => `${p}\n`).join(''), stderr: '', exitCode: found.length === args.length && args.length > 0 ? 0 : 1 };
}

/** `date` or `date +FORMAT` (the common % conversions), in UTC like a container. */
function formatDate(d: Date, format?: string): string {
  if (format === undefined) return busyboxDate(d);
  const two = (n: number): string => String(n).padStart(2, '0');
  const conversions: Record<string, string> = {
    s: String(Math.floor(d.getTime() / 1000)), Y: String(d.getUTCFullYear()), m: two(d.getUTCMonth() + 1), d: two(d.getUTCDate()),
    H: two(d.getUTCHours()), M: two(d.getUTCMinutes()), S: two(d.getUTCSeconds()), N: String(d.getUTCMilliseconds() * 1_000_000).padStart(9, '0'),
    Z: 'UTC', F: d.toISOString().slice(0, 10), T: d.toISOString().slice(11, 19), '%': '%',
  };
  return format.replace(/%(.)/g, (all, c: string) => conversions[c] ?? all);
}

// busybox `date`: "Tue Nov 24 06:00:00 UTC 2026"
function busyboxDate(d: Date): string {
  const [day, month, date, time, year] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11), d.getUTCDate(), d.toISOString().slice(11, 19), d.getUTCFullYear()];
  return `${day} ${month} ${String(date).padStart(2, ' ')} ${time} UTC ${year}`;
}

/** busybox nslookup: kube-dns answers for services, public DNS for the rest. */
function nslookup(pe: PodEnvironment, args: string[]): ProgramOutput {
  const name = args.find((a) => !a.startsWith('-'));
  if (!name) return fail('BusyBox v1.37.0 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n');
  const head = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n';
  const resolved = resolveInPod(pe.net.state, pe.net.client.namespace, name);
  if (resolved.kind === 'service') return ok(`${head}Name:\t${resolved.fqdn}\nAddress: ${resolved.ip}\n\n`);
  if (resolved.kind === 'external') return ok(`${head}Non-authoritative answer:\nName:\t${name}\nAddress: ${resolved.ip}\n\n`);
  if (resolved.kind === 'pod' || resolved.kind === 'loopback') return ok(`${head}Name:\t${name}\nAddress: ${resolved.ip}\n\n`);
  return { stdout: head, stderr: `** server can't find ${name}: NXDOMAIN\n\n** server can't find ${name}: NXDOMAIN\n\n`, exitCode: 1 };
}

function echo(args: string[]): ProgramOutput {
  let newline = true;
  let rest = args;
  while (rest[0] === '-n' || rest[0] === '-e' || rest[0] === '-E') {
    if (rest[0] === '-n') newline = false;
    rest = rest.slice(1);
  }
  return ok(rest.join(' ') + (newline ? '\n' : ''));
}

function cat(pe: PodEnvironment, args: string[], stdin: string): ProgramOutput {
  if (args.length === 0 || (args.length === 1 && args[0] === '-')) return ok(stdin);
  let stdout = '';
  let stderr = '';
  for (const file of args) {
    const text = file === '-' ? stdin : pe.files[absolute(file)];
    if (text === undefined) stderr += `cat: can't open '${file}': No such file or directory\n`;
    else stdout += text;
  }
  return { stdout, stderr, exitCode: stderr ? 1 : 0 };
}

function lineCount(args: string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-n') return Number(args[i + 1]);
    if (/^-n\d+$/.test(a)) return Number(a.slice(2));
    if (/^-\d+$/.test(a)) return Number(a.slice(1));
  }
  return 10;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function headTail(name: 'head' | 'tail', args: string[], stdin: string): ProgramOutput {
  const n = lineCount(args);
  if (n === undefined || !Number.isFinite(n)) return fail(`${name}: invalid number\n`);
  const lines = splitLines(stdin);
  const picked = name === 'head' ? lines.slice(0, n) : lines.slice(Math.max(lines.length - n, 0));
  return ok(picked.map((l) => `${l}\n`).join(''));
}

function grep(args: string[], stdin: string): ProgramOutput {
  const flags = new Set<string>();
  let pattern: string | undefined;
  for (const a of args) {
    if (a.startsWith('-') && a.length > 1 && pattern === undefined) for (const f of a.slice(1)) flags.add(f);
    else if (pattern === undefined) pattern = a;
  }
  if (pattern === undefined) return fail('BusyBox v1.37.0 multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n', 2);
  let re: RegExp;
  try {
    re = flags.has('F') ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags.has('i') ? 'i' : '') : new RegExp(pattern, flags.has('i') ? 'i' : '');
  } catch {
    return fail(`grep: bad regex '${pattern}'\n`, 2);
  }
  const hits = splitLines(stdin).filter((l) => re.test(l) !== flags.has('v'));
  const exitCode = hits.length > 0 ? 0 : 1;
  if (flags.has('q')) return { stdout: '', stderr: '', exitCode };
  if (flags.has('c')) return { stdout: `${hits.length}\n`, stderr: '', exitCode };
  return { stdout: hits.map((l) => `${l}\n`).join(''), stderr: '', exitCode };
}

function wc(args: string[], stdin: string): ProgramOutput {
  const lines = (stdin.match(/\n/g) ?? []).length;
  const words = stdin.split(/\s+/).filter(Boolean).length;
  const bytes = Buffer.byteLength(stdin);
  if (args.includes('-l')) return ok(`${lines}\n`);
  if (args.includes('-c')) return ok(`${bytes}\n`);
  if (args.includes('-w')) return ok(`${words}\n`);
  return ok(`${String(lines).padStart(7)} ${String(words).padStart(7)} ${String(bytes).padStart(7)}\n`);
}

// ---- the shell ------------------------------------------------------------------------------

function runShell(pe: PodEnvironment, name: string, args: string[], stdin: string): ProgramOutput {
  if (args.length === 0 || args[0] === '-s') return runScript(pe, stdin); // reads its commands from stdin
  if (args[0] !== '-c') {
    return fail(`${name}: can't open '${args[0]}': No such file or directory\n`, 2);
  }
  if (args.length < 2) return fail(`${name}: -c requires an argument\n`, 2);
  return runScript(pe, args[1]);
}

/** Run a command line as `sh -c` would. */
export function runScript(pe: PodEnvironment, line: string): ProgramOutput {
  let last = 0;
  const lookup = (v: string): string => (v === '?' ? String(last) : v === '$' ? '1' : v === '0' ? 'sh' : v === '#' ? '0' : pe.env[v] ?? '');
  const parsed = parseCommandLine(line);
  if (!parsed.ok) return fail(`sh: ${parsed.message}\n`, 2);
  let stdout = '';
  let stderr = '';
  for (const { op, pipeline } of parsed.list.items) {
    if (op === '&&' && last !== 0) continue;
    if (op === '||' && last === 0) continue;
    const first = pipeline.commands[0]?.argv[0] ?? [];
    const exit = pipeline.commands.length === 1 && first.length === 1 && 'text' in first[0] && first[0].text === 'exit';
    const result = runPipeline(pe, pipeline, lookup);
    stdout += result.stdout;
    stderr += result.stderr;
    last = result.exitCode;
    if (exit) break;
  }
  return { stdout, stderr, exitCode: last };
}

function runPipeline(pe: PodEnvironment, pipeline: Pipeline, lookup: (name: string) => string): ProgramOutput {
  let stdin = '';
  let stderr = '';
  let last: ProgramOutput = ok();
  for (const command of pipeline.commands) {
    const argv = command.argv.map((w) => expandWord(w, lookup, (line) => runScript(pe, line).stdout));
    let result: ProgramOutput;
    if (argv.length === 0) result = ok();
    else if (argv[0] === 'exit') {
      const code = argv[1] === undefined ? 0 : Number(argv[1]);
      result = { stdout: '', stderr: '', exitCode: Number.isInteger(code) ? code & 255 : 2 };
    } else result = runProgram(pe, argv, stdin, true);
    const routed = applyRedirects(result, command.redirects);
    stderr += routed.stderr;
    stdin = routed.stdout;
    last = routed;
  }
  return { stdout: stdin, stderr, exitCode: last.exitCode };
}

function applyRedirects(result: ProgramOutput, redirects: { fd: 1 | 2; target: string | { fd: 1 | 2 } }[]): ProgramOutput {
  // Each descriptor ends up at the terminal stdout, terminal stderr, or nowhere (a file).
  const where: Record<1 | 2, 'out' | 'err' | 'none'> = { 1: 'out', 2: 'err' };
  for (const r of redirects) where[r.fd] = typeof r.target === 'string' ? 'none' : where[r.target.fd];
  const out = { stdout: '', stderr: '', exitCode: result.exitCode };
  const send = (text: string, to: 'out' | 'err' | 'none'): void => {
    if (to === 'out') out.stdout += text;
    else if (to === 'err') out.stderr += text;
  };
  send(result.stdout, where[1]);
  send(result.stderr, where[2]);
  return out;
}
