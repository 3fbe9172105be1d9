#!/usr/bin/env node
// Classroom benchmark (issue 11): on a practice cluster served by `egress-tutorial practice`,
// `class setup --learners N`, one learner's headless walk alone, then N walks `run --yes` in
// parallel (each with its learner kubeconfig), `class status` showing N done, `class teardown`;
// for --gateway own and shared. Asserts every walk passes and no proof line came from another
// learner (HTTP lines by the learner's own x-request-id, every line by the downstream address:
// the learner's client pod). Reports wall time (ratio to one learner alone; goal ≤ 2×), API
// requests per learner (the practice cluster's /metrics; goal ≤ 80 per walk), and the practice
// cluster's peak RSS.
//
// Usage: node bench/class.mjs [--learners N] [--modes own,shared] [--json FILE]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { BIN, figure, killTree, median, printFigures, requireBuiltBin, scratchEnv, writeJson } from './lib.mjs';

const { values: flags } = parseArgs({
  options: { learners: { type: 'string', default: '30' }, modes: { type: 'string', default: 'own,shared' }, json: { type: 'string' } },
});
const N = Number(flags.learners);
if (!Number.isInteger(N) || N < 1 || N > 500) {
  process.stderr.write('--learners takes a whole number from 1 to 500, e.g. --learners 30.\n');
  process.exit(2);
}
const modes = flags.modes.split(',').filter(Boolean);
requireBuiltBin();

const CPU_REPORT = path.join(path.dirname(new URL(import.meta.url).pathname), 'cpu-report.cjs');
const scratch = scratchEnv();
const env = scratch.env;
const stateDir = path.join(env.XDG_STATE_HOME, 'egress-tutorial');
const adminConfig = path.join(stateDir, 'practice.kubeconfig');

/** Run the bin; resolve with code, output and wall ms. */
function tutorial(args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', CPU_REPORT, BIN, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const cpuUs = Number(/BENCH_CPU_US (\d+)/.exec(out)?.[1] ?? NaN);
      resolve({ code, out: out.replace(/\nBENCH_CPU_US \d+\n/, ''), ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: cpuUs / 1000 });
    });
  });
}

/** CPU time (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The practice cluster, as `egress-tutorial practice` serves a class from several terminals. */
function startPractice() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'practice'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (c) => {
      out += c;
      if (out.includes('is running at')) resolve(child);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (c) => (out += c));
    child.on('close', (code) => reject(new Error(`egress-tutorial practice exited ${code}: ${out.trim()}`)));
  });
}

/** A GET with the practice admin's token (the kubeconfig `practice` wrote). */
function adminGet(urlPath) {
  const doc = yaml.load(readFileSync(adminConfig, 'utf8'));
  const server = new URL(doc.clusters[0].cluster.server);
  const ca = Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64');
  const token = doc.users[0].user.token;
  return new Promise((resolve, reject) => {
    const req = https.get({ host: server.hostname, port: server.port, path: urlPath, ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${urlPath}: ${res.statusCode} ${body.slice(0, 200)}`))));
    });
    req.on('error', reject);
  });
}

/** Requests served per learner ServiceAccount. */
async function requestsPerLearner() {
  const text = await adminGet('/metrics');
  const counts = new Map();
  for (const m of text.matchAll(/^practice_requests_total\{user="system:serviceaccount:([^:"]+):egress-tutorial-learner"\} (\d+)$/gm)) counts.set(m[1], Number(m[2]));
  return counts;
}

/** Every client pod IP each learner's namespace has had (polled while walks run: cleanup deletes the pods). */
function watchClientIps(ips) {
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      try {
        const list = JSON.parse(await adminGet('/api/v1/pods?labelSelector=app%3Dcurl'));
        for (const pod of list.items ?? []) {
          if (!pod.status?.podIP) continue;
          const set = ips.get(pod.metadata.namespace) ?? new Set();
          set.add(pod.status.podIP);
          ips.set(pod.metadata.namespace, set);
        }
      } catch {
        // the next poll tries again
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const running = poll();
  return async () => {
    stopped = true;
    await running;
  };
}

/** Wait until every namespace has a Ready egressgateway pod (own mode). */
async function gatewaysReady(namespaces, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const list = JSON.parse(await adminGet('/api/v1/pods?labelSelector=app%3Degressgateway'));
      const ready = new Set(
        (list.items ?? []).filter((p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).map((p) => p.metadata.namespace),
      );
      if (namespaces.every((ns) => ready.has(ns))) return true;
    } catch {
      // try again
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function peakRssKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  } catch {
    return NaN;
  }
}

/** Proof lines of a walk that are not the learner's own. */
function foreignProofs(out, ownIps) {
  const ids = new Set([...out.matchAll(/x-request-id: (egress-tutorial-[0-9a-f-]+)/g)].map((m) => m[1]));
  const foreign = [];
  for (const m of out.matchAll(/▶ PROOF ([^:]+): (.*)$/gm)) {
    const line = m[2];
    const tokens = line.split(/\s+/);
    const cluster = tokens.findIndex((t) => /^(outbound|inbound)\|/.test(t));
    const downstream = cluster >= 0 ? tokens[cluster + 3]?.replace(/:\d+$/, '') : undefined;
    const requestId = /"(egress-tutorial-[0-9a-f-]+)"/.exec(line)?.[1];
    const fromOther = (downstream && ownIps && !ownIps.has(downstream)) || (requestId && !ids.has(requestId));
    if (fromOther) foreign.push(line);
  }
  return { foreign, proofs: [...out.matchAll(/▶ PROOF /g)].length };
}

// The core lessons: `list` prints them first, then each track after a blank line and its heading.
const lessonIds = (await tutorial(['list'])).out.trim().split('\n\n')[0].split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean);
const practice = await startPractice();
const results = [];
let failed = false;
try {
  for (const mode of modes) {
    const kcDir = path.join(scratch.dir, `kubeconfigs-${mode}`);
    const problems = [];
    const setup = await tutorial(['class', 'setup', '--learners', String(N), '--gateway', mode, '--yes', '--kubeconfig-dir', kcDir, '--kubeconfig', adminConfig]);
    if (setup.code !== 0) problems.push(`class setup exited ${setup.code}: ${setup.out.trim().split('\n').slice(-3).join(' | ')}`);
    const namespaces = Array.from({ length: N }, (_, i) => `learner-${String(i + 1).padStart(Math.max(2, String(N).length), '0')}`);
    // An instructor sets up before the class starts: the learners' gateways are up when they begin.
    if (mode === 'own' && !(await gatewaysReady(namespaces, 120_000))) problems.push('the learners\' egress gateway pods were not all Ready 120 s after class setup');
    const walk = (ns) => tutorial(['run', '--yes', '--kubeconfig', path.join(kcDir, `${ns}.kubeconfig`)], { XDG_STATE_HOME: path.join(scratch.dir, 'learners', mode, ns) });
    const ips = new Map();
    const stopWatching = watchClientIps(ips);

    // One learner alone first: the baseline of the ratio.
    const before = await requestsPerLearner();
    const serverCpuBefore = cpuMsOf(practice.pid);
    const solo = await walk(namespaces[0]);
    const soloServerCpu = cpuMsOf(practice.pid) - serverCpuBefore;
    const soloRequests = (await requestsPerLearner()).get(namespaces[0]) - (before.get(namespaces[0]) ?? 0);
    if (solo.code !== 0) problems.push(`the solo walk of ${namespaces[0]} failed: ${solo.out.trim().split('\n').pop()}`);
    await tutorial(['class', 'reset', '1', '--yes', '--kubeconfig', adminConfig]);

    const beforeAll = await requestsPerLearner();
    const serverCpuClassBefore = cpuMsOf(practice.pid);
    const started = process.hrtime.bigint();
    const walks = await Promise.all(namespaces.map(walk));
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const classServerCpu = cpuMsOf(practice.pid) - serverCpuClassBefore;
    await stopWatching();
    const afterAll = await requestsPerLearner();
    const perLearner = namespaces.map((ns) => (afterAll.get(ns) ?? 0) - (beforeAll.get(ns) ?? 0));

    let foreignCount = 0;
    let proofCount = 0;
    const proofProblems = [];
    walks.forEach((w, i) => {
      // Failed walks first: they are what a reader looks for.
      if (w.code !== 0) problems.push(`${namespaces[i]}: ${w.out.trim().split('\n').pop()}`);
      const { foreign, proofs } = foreignProofs(w.out, ips.get(namespaces[i]));
      proofCount += proofs;
      foreignCount += foreign.length;
      for (const line of foreign) proofProblems.push(`${namespaces[i]} took another learner's line as proof: ${line.slice(0, 200)}`);
    });
    problems.push(...proofProblems);
    const status = await tutorial(['class', 'status', '--output', 'json', '--kubeconfig', adminConfig]);
    let done = 0;
    try {
      done = JSON.parse(status.out).learners.filter((l) => namespaces.includes(l.namespace) && lessonIds.every((id) => l.completedLessons.includes(id))).length;
    } catch {
      problems.push(`class status --output json printed no JSON: ${status.out.slice(0, 200)}`);
    }
    if (done !== N) problems.push(`class status shows ${done} of ${N} learners done`);
    const teardown = await tutorial(['class', 'teardown', '--yes', '--kubeconfig-dir', kcDir, '--kubeconfig', adminConfig]);
    if (teardown.code !== 0) problems.push(`class teardown exited ${teardown.code}: ${teardown.out.trim().split('\n').pop()}`);

    const passed = walks.filter((w) => w.code === 0).length;
    // Every learner's CLI runs on this machine here, on their own laptop in a class: the floor is
    // the CPU the walks and the practice cluster need, spread over this machine's cores.
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    const soloCpu = solo.cpuMs + soloServerCpu;
    const floorMs = Math.max(solo.ms, (N * soloCpu) / cores);
    const figures = [
      figure(`class setup --learners ${N}`, { value: setup.ms, unit: 'ms' }),
      figure('one learner alone, run --yes', { value: solo.ms, unit: 'ms', note: `(${soloRequests} API requests)` }),
      figure(`${N} learners in parallel, run --yes`, { value: wallMs, unit: 'ms', ratio: wallMs / solo.ms, target: 2, targetOn: 'ratio', note: '(ratio: to one learner alone)' }),
      figure('  CPU of one walk: the CLI + the practice cluster', { value: soloCpu, unit: 'ms', note: `(${Math.round(solo.cpuMs)} + ${Math.round(soloServerCpu)} ms)` }),
      figure(`  CPU floor of ${N} walks on ${cores} cores`, { value: floorMs, unit: 'ms', ratio: floorMs / solo.ms, note: '(N × CPU of one walk ÷ cores: no machine of this size can go faster)' }),
      figure(`  ${N} learners' wall time to that floor`, { value: wallMs, unit: 'ms', ratio: wallMs / floorMs }),
      // Does the shared API server scale with the class? Its CPU for N walks against N × one walk's.
      figure(`  practice cluster CPU for the ${N} walks`, { value: classServerCpu, unit: 'ms', ratio: classServerCpu / (N * soloServerCpu), note: `(ratio: to ${N} × one walk's ${Math.round(soloServerCpu)} ms)` }),
      figure('  API requests per learner (median)', { value: median(perLearner), unit: 'requests', target: 80, note: `(max ${Math.max(...perLearner)})` }),
      figure('  walks that passed', { value: passed, unit: `of ${N}` }),
      figure('  proof lines from another learner', { value: foreignCount, unit: `of ${proofCount}`, target: 0 }),
      figure('  class status: learners done', { value: done, unit: `of ${N}` }),
      figure('class teardown', { value: teardown.ms, unit: 'ms' }),
    ];
    printFigures(`Classroom, --gateway ${mode} (${N} learners on one practice cluster)`, figures);
    for (const p of problems.slice(0, 12)) process.stdout.write(`  ! ${p}\n`);
    if (problems.length > 12) process.stdout.write(`  ! … and ${problems.length - 12} more\n`);
    if (problems.length) failed = true;
    results.push({ mode, figures, problems });
  }
  const rss = peakRssKb(practice.pid);
  const rssFigure = figure('practice cluster peak RSS', { value: rss / 1024, unit: 'MB' });
  printFigures('Practice cluster', [rssFigure]);
  await writeJson(flags.json, { bench: 'class', learners: N, results, rss: rssFigure });
} finally {
  killTree(practice.pid);
  scratch.cleanup();
}
process.exitCode = failed ? 1 : 0;
