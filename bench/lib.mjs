// Shared helpers for the bench/ scripts: timing child processes (piped or in a pseudo-terminal),
// medians, ratios against `node -e 0` measured in the same run, and the result format that
// bench/all.mjs turns into the README's "Performance" section.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'dist', 'egress-tutorial.cjs');
/** Where benchmarks put what they build (ignored by git with node_modules, never packed). */
export const BENCH_OUT = 'node_modules/.cache/egress-tutorial-bench';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A scratch HOME/XDG/KUBECONFIG so benchmarks never read or write the user's state. */
export function scratchEnv(extra = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'egress-bench-'));
  const env = {
    ...process.env,
    HOME: dir,
    XDG_STATE_HOME: path.join(dir, 'state'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    KUBECONFIG: path.join(dir, 'no-kubeconfig'),
    TERM: 'xterm-256color',
    LANG: 'en_US.UTF-8',
    ...extra,
  };
  // ink renders only the last frame when CI is set (is-in-ci): a first-frame timing needs it unset.
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  return { env, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Run a command to completion; resolves with wall time in ms, exit code and output. With
 * `options.cpu`, the command runs under bash, whose `times` gives its user + system CPU time in
 * ms (`cpuMs`), a figure the machine's load moves much less than wall time; the wall time then
 * includes bash's start, so compare it only with other `cpu` runs.
 */
export function timeRun(command, args, options = {}) {
  const { cpu = false, ...spawnOptions } = options;
  if (cpu) {
    args = ['-c', '"$@"; status=$?; times >&3; exit $status', 'bench', command, ...args];
    command = 'bash';
  }
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', ...(cpu ? ['pipe'] : [])], ...spawnOptions });
    let stdout = '';
    let stderr = '';
    let times = '';
    if (cpu) child.stdio[3].setEncoding('utf8').on('data', (chunk) => (times += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // `times`: the shell's own user/system line, then its children's ("0m0.104s 0m0.012s").
      const children = times.trim().split('\n')[1];
      const cpuMs = children
        ? children
            .split(/\s+/)
            .map((t) => /^(\d+)m([\d.]+)s$/.exec(t))
            .reduce((sum, m) => sum + (m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : 0), 0)
        : undefined;
      resolve({ ms, cpuMs, code, signal, stdout, stderr });
    });
  });
}

const shellQuote = (word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMc]/g;
export const stripAnsi = (text) => text.replace(ANSI, '');

/** Process ids of every descendant of `pid` (Linux /proc), deepest last. */
function descendantsOf(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  const found = [];
  const visit = (p) => {
    for (const child of children.get(p) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/**
 * End a process and everything it started. `script` puts its command in a new session, so
 * killing script's process group would leave the bin running: kill the tree by process id.
 */
export function killTree(pid) {
  for (const id of [pid, ...descendantsOf(pid)].reverse()) {
    try {
      process.kill(id, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Start a command in a pseudo-terminal (util-linux `script`) of cols x rows and resolve with the
 * time until `marker` (a string or RegExp, matched on the output without ANSI escapes) appears.
 * The process group is then ended (`lingerMs` later: time for work the command does just after the
 * frame, such as saving its compile cache). Rejects with the output seen when it exits or times out first.
 */
export function timeUntilOutput(command, args, marker, options = {}) {
  const { env = process.env, cwd = ROOT, cols = 100, rows = 30, timeoutMs = 20000, lingerMs = 0 } = options;
  const inner = `stty cols ${cols} rows ${rows}; exec ${[command, ...args].map(shellQuote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('script', ['-qfec', inner, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let seen = '';
    let done = false;
    const finish = (error, ms) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const end = () => {
        killTree(child.pid); // script, the shell, the bin
        if (error) reject(error);
        else resolve({ ms, output: seen });
      };
      if (error || lingerMs === 0) end();
      else setTimeout(end, lingerMs);
    };
    const matches = () => (typeof marker === 'string' ? stripAnsi(seen).includes(marker) : marker.test(stripAnsi(seen)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      seen += chunk;
      if (matches()) finish(undefined, Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (seen += chunk));
    child.on('error', (error) => finish(error));
    child.on('close', () => finish(new Error(`exited before ${marker} appeared; output:\n${stripAnsi(seen).slice(-2000)}`)));
    const timer = setTimeout(() => finish(new Error(`no ${marker} within ${timeoutMs} ms; output:\n${stripAnsi(seen).slice(-2000)}`)), timeoutMs);
  });
}

/** Median of `runs` timings of `once()` after one warm-up run (file cache, not V8 cache). */
export async function medianOf(runs, once) {
  await once();
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), runs };
}

/**
 * Run every measurement once per round, in turn, for `rounds` rounds (after one warm-up round),
 * so that a baseline and the figures divided by it see the same machine load. Returns, per name,
 * the median time and the median of the per-round ratios to `baselineName`.
 * @param {number} rounds
 * @param {Record<string, () => Promise<number>>} measures
 * @param {string} baselineName
 */
export async function interleaved(rounds, measures, baselineName) {
  const names = Object.keys(measures);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -1; round < rounds; round++) {
    for (const name of names) {
      const ms = await measures[name]();
      if (round >= 0) times[name].push(ms);
    }
  }
  const result = {};
  for (const name of names) {
    const ratios = times[name].map((ms, i) => ms / times[baselineName][i]);
    result[name] = { median: median(times[name]), ratio: median(ratios), times: times[name], min: Math.min(...times[name]), max: Math.max(...times[name]), runs: rounds };
  }
  return result;
}

/** The baseline every figure is divided by: `node -e 0`, run the same way, in the same run. */
export async function nodeBaseline(runs, env = process.env) {
  return medianOf(runs, async () => (await timeRun(process.execPath, ['-e', '0'], { env })).ms);
}

export function requireBuiltBin(bin = BIN) {
  if (!existsSync(bin)) {
    process.stderr.write(`No bundle at ${path.relative(process.cwd(), bin)}: run \`npm run build\` first.\n`);
    process.exit(2);
  }
  return statSync(bin);
}

export const fmtMs = (ms) => `${ms.toFixed(0)} ms`;
export const fmtRatio = (ratio) => `${ratio.toFixed(2)}×`;

/**
 * One reported figure. `ratio` is against the run's `node -e 0` (undefined for figures that are
 * not times, such as memory); `target` is the issue's limit in the same unit as `ratio` or `value`.
 */
export function figure(name, { value, unit, ratio, target, targetOn = ratio === undefined ? 'value' : 'ratio', note }) {
  const measured = targetOn === 'ratio' ? ratio : value;
  const ok = target === undefined || measured === undefined ? undefined : measured <= target;
  return { name, value, unit, ratio, target, targetOn, ok, note };
}

export function printFigures(title, figures, baselineMs) {
  process.stdout.write(`\n${title}\n`);
  if (baselineMs !== undefined) process.stdout.write(`  node -e 0 (same run): ${fmtMs(baselineMs)}; load average now ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
  for (const f of figures) {
    const value = f.unit === 'ms' ? fmtMs(f.value) : `${Number.isInteger(f.value) ? f.value : f.value.toFixed(1)} ${f.unit}`;
    const ratio = f.ratio === undefined ? '' : `  ${fmtRatio(f.ratio)}`;
    const target =
      f.target === undefined ? '' : `  (target ≤ ${f.targetOn === 'ratio' ? fmtRatio(f.target) : `${f.target} ${f.unit}`}: ${f.ok ? 'met' : 'NOT met'})`;
    process.stdout.write(`  ${f.name.padEnd(44)} ${value.padStart(10)}${ratio}${target}${f.note ? `  ${f.note}` : ''}\n`);
  }
}

/** `--json FILE` support: every bench script can write its figures for bench/all.mjs. */
export async function writeJson(file, data) {
  if (!file) return;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, JSON.stringify(data, null, 2) + '\n');
}
