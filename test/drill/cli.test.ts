// The `drill` verb in-process: --list in both languages, usage errors, validate with drills, and
// headless --yes / the learner's kubectl-equivalent fix / --check against a running practice
// cluster (as `egress-tutorial practice` in another terminal would serve it).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { readPracticeInfo } from '../../src/cli/practice-info.js';
import { waitFor } from '../engine/fixtures.js';
import { memoryIO } from '../cli/io.js';
import { FIXES } from './fixes.js';

const state = mkdtempSync(join(tmpdir(), 'drill-cli-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('drill --list and usage', () => {
  it('lists the drills by lesson, with their symptoms, in English and Chinese', async () => {
    const en = memoryIO({});
    expect(await runCli(['drill', '--list'], en)).toBe(0);
    const text = en.stdout.join('\n');
    expect(text).toMatch(/^Break-fix drills/);
    expect(text).toMatch(/04-http-egress-gateway {2}.+\n(?: {2}.+\n)*? {2}subset-missing +The subset nobody defined {2}\(503 NC\)/);
    expect(text).toMatch(/port-mismatch .*\(503 UF,URX\)/);
    expect(text).toMatch(/access-log-off .*\(200, no gateway line\)/);
    expect(text).toMatch(/03-outbound-policy-experiment[^\n]*\n {2}no-service-entry .*\(502\)/);
    expect(text).toMatch(/sni-mismatch .*\(exit 35\/56\)/);
    const zh = memoryIO({});
    expect(await runCli(['drill', '--list', '--lang', 'zh'], zh)).toBe(0);
    expect(zh.stdout.join('\n')).toMatch(/^排障演练/);
    expect(zh.stdout.join('\n')).toMatch(/access-log-off +能用，但没有证据 {2}\(200，网关无日志行\)/);
  });

  it('needs a name, a known one, and a terminal for the interactive drill (exit 2, one sentence)', async () => {
    const none = memoryIO({});
    expect(await runCli(['drill'], none)).toBe(2);
    expect(none.stderr.join('\n')).toMatch(/`drill` needs a drill name, or --list/);
    const unknown = memoryIO({});
    expect(await runCli(['drill', 'nope'], unknown)).toBe(2);
    expect(unknown.stderr.join('\n')).toMatch(/Unknown drill "nope"; the drills are .*subset-missing/);
    const noTty = memoryIO({});
    expect(await runCli(['drill', 'subset-missing', '--lang', 'zh'], noTty)).toBe(2);
    expect(noTty.stderr.join('\n')).toMatch(/交互式演练需要终端.*drill subset-missing --yes/);
    const misplaced = memoryIO({});
    expect(await runCli(['run', '--check'], misplaced)).toBe(2);
    expect(misplaced.stderr.join('\n')).toMatch(/--check belongs to `egress-tutorial drill`/);
  });

  it('validate counts the drills', async () => {
    const io = memoryIO({});
    expect(await runCli(['validate'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/\d+ lessons, \d+ steps, 9 drills, no problems\./);
  });
});

describe('drill headless on a running practice cluster', () => {
  it('--yes shows the symptom and how to point kubectl; --check fails with the diagnosis until the learner fixes it, then passes, saves the time and cleans up', async () => {
    const env = { XDG_STATE_HOME: state };
    const serve = memoryIO(env);
    const serving = runCli(['practice'], serve);
    await waitFor(() => serve.stdout.some((l) => l.includes('export KUBECONFIG=')), 'the practice banner', 20_000);
    const note = readPracticeInfo(join(state, 'egress-tutorial'))!;
    try {
      const setUp = memoryIO(env);
      expect(await runCli(['drill', 'gateway-name', '--yes', '--practice'], setUp)).toBe(0);
      const shown = setUp.stdout.join('\n');
      expect(shown).toMatch(/^A Gateway by another name/);
      expect(shown).toMatch(/\$ kubectl exec curl-[a-z0-9-]+ -c curl -n default -- curl -H 'x-request-id: egress-tutorial-[0-9a-f-]+' -sSL/);
      expect(shown).toMatch(/\| HTTP\/1\.1 404 Not Found/);
      expect(shown).toMatch(/The egress gateway's log line for this request:\n {2}istio-egressgateway-[^:]+: \[[^\]]+\] "GET \/headers HTTP\/2" 404 NR route_not_found/);
      expect(shown).toContain(`export KUBECONFIG=${note.kubeconfig}`);
      expect(shown).toMatch(/drill gateway-name --check/);

      const early = memoryIO(env);
      expect(await runCli(['drill', 'gateway-name', '--check', '--practice'], early)).toBe(1);
      expect(early.stdout.join('\n')).toMatch(/FAIL Still failing: HTTP 404, expected HTTP 200\.\n {4}HTTP 404 \(no route, NR\) from the egress gateway/);

      // The learner's kubectl (the printed KUBECONFIG, another field manager).
      const kc = new KubeConfig();
      kc.loadFromFile(note.kubeconfig);
      await FIXES['gateway-name'](KubernetesObjectApi.makeApiClient(kc));

      const done = memoryIO(env);
      expect(await runCli(['drill', 'gateway-name', '--check', '--practice', '--lang', 'zh'], done)).toBe(0);
      const passed = done.stdout.join('\n');
      expect(passed).toMatch(/PASS 已修好：HTTP 200/);
      expect(passed).toMatch(/▶ PROOF istio-egressgateway-[^:]+: .*"GET \/headers HTTP\/2" 200/);
      expect(passed).toMatch(/为什么会失败：\n {2}`gateways` 里写的是 Gateway 对象的名字/);
      expect(passed).toMatch(/用时：\d+ (分 \d+ )?秒，使用提示：0\/3。/);
      expect(passed).toMatch(/已删除演练的 \d+ 个对象。/);

      // Saved beside the progress, for this cluster and namespace.
      const file = readdirSync(join(state, 'egress-tutorial')).find((f) => f.startsWith('drills-practice-default'))!;
      const saved = JSON.parse(readFileSync(join(state, 'egress-tutorial', file), 'utf8'));
      expect(saved.drills['gateway-name']).toMatchObject({ passed: true, hintsUsed: 0 });
      expect(saved.drills['gateway-name'].seconds).toBeGreaterThanOrEqual(0);
      expect(saved.drills['gateway-name'].startedAt).toBeUndefined();

      // Cleaned up: nothing of the drill is left; --check now says to set it up first.
      const after = memoryIO(env);
      expect(await runCli(['drill', 'gateway-name', '--check', '--practice'], after)).toBe(1);
      expect(after.stderr.join('\n')).toMatch(/is not set up here: run `egress-tutorial drill gateway-name --yes` first/);
    } finally {
      serve.signal('SIGINT');
      expect(await serving).toBe(0);
    }
  }, 120_000);
});

describe('reset and drills', () => {
  it('reset removes a drill left set up and the drill\'s saved start; its object in the Istio namespace goes with --include-shared, as shared objects do', async () => {
    const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'drill-reset-')) };
    const serve = memoryIO(env);
    const serving = runCli(['practice'], serve);
    await waitFor(() => serve.stdout.some((l) => l.includes('export KUBECONFIG=')), 'the practice banner', 20_000);
    try {
      const setUp = memoryIO(env);
      expect(await runCli(['drill', 'access-log-off', '--yes', '--practice'], setUp)).toBe(0);
      expect(setUp.stdout.join('\n')).toMatch(/The egress gateway logged no line for this request\./);
      const reset = memoryIO(env);
      expect(await runCli(['reset', '--yes', '--practice'], reset)).toBe(0);
      // Objects in the Istio namespace are shared in a class: reset keeps them unless asked.
      expect(reset.stdout.join('\n')).toMatch(/Telemetry\/quiet-egress-gateway: kept/);
      expect(reset.stdout.join('\n')).toMatch(/Deployment\/curl: deleted/);
      const shared = memoryIO(env);
      expect(await runCli(['reset', '--yes', '--include-shared', '--practice'], shared)).toBe(0);
      expect(shared.stdout.join('\n')).toMatch(/Telemetry\/quiet-egress-gateway: deleted/);
      const check = memoryIO(env);
      expect(await runCli(['drill', 'access-log-off', '--check', '--practice'], check)).toBe(1);
      expect(check.stderr.join('\n')).toMatch(/is not set up here/);
    } finally {
      serve.signal('SIGINT');
      expect(await serving).toBe(0);
      rmSync(env.XDG_STATE_HOME, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('drills that would not teach, or would break a class', () => {
  it('a drill for one gateway mode is refused in the other, and a fault outside the learner\'s namespace is refused in a class (exit 2, one sentence, both languages)', async () => {
    const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'drill-class-')) };
    const serve = memoryIO(env);
    const serving = runCli(['practice'], serve);
    await waitFor(() => serve.stdout.some((l) => l.includes('export KUBECONFIG=')), 'the practice banner', 20_000);
    const note = readPracticeInfo(join(env.XDG_STATE_HOME, 'egress-tutorial'))!;
    try {
      const own = memoryIO(env);
      expect(await runCli(['drill', 'export-to', '--yes', '--practice', '--gateway', 'own'], own)).toBe(2);
      expect(own.stderr.join('\n')).toMatch(/The drill "export-to" only works with --gateway shared/);

      // The instructor's class settings (C3) for this namespace, shared gateway.
      const kc = new KubeConfig();
      kc.loadFromFile(note.kubeconfig);
      await KubernetesObjectApi.makeApiClient(kc).create({
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: 'egress-tutorial-class', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'egress-tutorial', 'egress-tutorial.dev/class': 'learner' } },
        data: { gateway: 'shared', istioNamespace: 'istio-system', class: 'learner-' },
      } as never);
      const inClass = memoryIO(env);
      expect(await runCli(['drill', 'access-log-off', '--yes', '--practice', '--lang', 'zh'], inClass)).toBe(2);
      expect(inClass.stderr.join('\n')).toMatch(/演练 "access-log-off" 会改动 istio-system 中全班共用的对象/);
      // A fault inside the learner's own namespace is fine in a class.
      const fine = memoryIO(env);
      expect(await runCli(['drill', 'gateway-name', '--yes', '--practice'], fine)).toBe(0);
    } finally {
      serve.signal('SIGINT');
      expect(await serving).toBe(0);
      rmSync(env.XDG_STATE_HOME, { recursive: true, force: true });
    }
  }, 120_000);
});
