// The App driving the real engine (createEngine) over an in-test ClusterPort double: the screens
// must work with the engine's own phases, coalesced notifications, verdicts and log matching.

import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { ApplyOptions, ApplyOutcome, CheckResult, ClusterIdentity, ClusterPort, DeleteOutcome, ExecOptions, ExecResult, FollowOptions, MeshFacts, PodInfo } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine, ProgressStore, SavedProgress } from '../../src/engine/types.js';
import type { KubeObject, LessonSet, ObjectRef, PodTarget } from '../../src/lesson/model.js';
import { sampleLessons } from './fakeEngine.js';
import { KEY, renderApp } from './helpers.js';

afterEach(() => cleanup());

class PortDouble implements ClusterPort {
  readonly calls: string[] = [];
  lastRequestId?: string;
  identity(): ClusterIdentity {
    return { backend: 'kube', context: 'kind-test', server: 'https://127.0.0.1:6443', key: 'kube:test' };
  }
  async preflight(): Promise<CheckResult[]> {
    return [{ name: 'egress-gateway', level: 'pass', summary: '1 egress gateway pod Ready' }];
  }
  async servedVersion(): Promise<string | undefined> {
    return 'v1';
  }
  async apply(objects: KubeObject[], options: ApplyOptions): Promise<ApplyOutcome[]> {
    this.calls.push(`apply${options.dryRun ? ':dry' : ''}`);
    return objects.map((o) => ({
      ref: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? options.namespace },
      result: 'created',
      serverYaml: options.dryRun ? `kind: ${o.kind}\nmetadata:\n  name: ${o.metadata.name}\n  uid: from-the-server\n` : undefined,
    }));
  }
  async delete(refs: ObjectRef[]): Promise<DeleteOutcome[]> {
    return refs.map((ref) => ({ ref, result: 'deleted' }));
  }
  async waitForPod(target: PodTarget): Promise<PodInfo> {
    return { name: 'curl-1', namespace: target.namespace, phase: 'Running', ready: true, containers: [target.container], hasSidecar: true };
  }
  async exec(_pod: { namespace: string; name: string }, _container: string, argv: string[], options: ExecOptions): Promise<ExecResult> {
    const header = argv.find((a) => a.toLowerCase().startsWith('x-request-id:'));
    this.lastRequestId = header?.split(':')[1].trim();
    const stdout = 'HTTP/1.1 200 OK\r\nserver: envoy\r\n\r\n';
    options.onStdout?.(stdout);
    return { exitCode: 0, stdout, stderr: '' };
  }
  async followLogs(_target: PodTarget, options: FollowOptions): Promise<void> {
    const line = (id: string, path: string) =>
      `[${new Date().toISOString()}] "GET ${path} HTTP/1.1" 200 - via_upstream - "-" 0 120 5 4 "10.244.0.9" "curl/8.10.1" "${id}" "httpbin.org" "34.1.2.3:80" outbound|80||httpbin.org 10.244.0.20:51234 10.244.0.20:8080 10.244.0.9:40066 - -`;
    options.onLine({ pod: 'istio-egressgateway-x1', container: 'istio-proxy', text: line('someone-else', '/ip'), receivedAt: Date.now() });
    options.onLine({ pod: 'istio-egressgateway-x1', container: 'istio-proxy', text: line(this.lastRequestId ?? '-', '/headers'), receivedAt: Date.now() });
    await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  async listManaged(): Promise<ObjectRef[]> {
    return [];
  }
  async deleteManaged(): Promise<DeleteOutcome[]> {
    this.calls.push('deleteManaged');
    return [];
  }
  async meshFacts(): Promise<MeshFacts> {
    return { outboundPolicy: 'ALLOW_ANY', accessLogging: 'on', egressGatewayPods: 1, clientHasSidecar: true, objects: [] };
  }
  close(): void {}
}

class MemoryProgress implements ProgressStore {
  saved?: SavedProgress;
  constructor(saved?: SavedProgress) {
    this.saved = saved;
  }
  load() {
    return this.saved;
  }
  save(progress: SavedProgress) {
    this.saved = structuredClone(progress);
  }
  clear() {
    this.saved = undefined;
  }
}

function realEngine(saved?: SavedProgress): { engine: Engine; port: PortDouble; progress: MemoryProgress } {
  const port = new PortDouble();
  const progress = new MemoryProgress(saved);
  const lessons: LessonSet = { dir: '/lessons', variables: [], values: {}, lessons: sampleLessons() };
  const engine = createEngine({ lessons, port, progress, lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 3000 });
  return { engine, port, progress };
}

describe('with the real engine', () => {
  it('walks explain → apply (y/n) → exec → logs with the proof line marked', async () => {
    const { engine, port, progress } = realEngine();
    const ui = renderApp({ connect: async () => engine, columns: 100, rows: 30 });
    await ui.waitForText('Lessons');
    expect(ui.frame()).toContain('cluster kind-test │ ns default');
    await ui.press(KEY.enter);
    await ui.waitForText('Why egress control');
    await ui.press(KEY.enter);
    await ui.waitForText('Deploy the client');
    expect(ui.frame()).toMatch(/kubectl apply/);
    await ui.press(KEY.enter);
    await ui.waitForText('y/n');
    await ui.press('y');
    let frame = await ui.waitForText('PASSED');
    expect(frame).toContain('✓ created  ServiceAccount/curl -n default (v1)');
    expect(port.calls).toContain('apply');
    await ui.press(KEY.enter);
    await ui.waitForText('Call httpbin');
    await ui.press(KEY.enter); // exec: no confirmation
    frame = await ui.waitForText('PASSED');
    expect(frame).toContain('HTTP/1.1 200 OK');
    await ui.press(KEY.enter);
    await ui.waitForText('Read the gateway log');
    await ui.press(KEY.enter);
    frame = await ui.waitForText('★ PROOF');
    expect(frame).toContain('Log of istio-egressgateway-x1, newest last');
    expect(frame).toMatch(/★ PROOF \[.*GET \/headers/);
    expect(frame).toContain('PASSED');
    expect(progress.saved?.lessons['01-intro']?.done).toEqual(expect.arrayContaining(['why', 'client', 'curl', 'gateway-log']));
    // the log follow goes on after the pass; Esc stops it
    await ui.waitForText('Esc stops');
    await ui.press(KEY.esc);
    await ui.waitForNoText('Esc stops');
    expect(ui.frame()).toContain('PASSED');
    await ui.press('q');
    expect(ui.exitCodes).toEqual([0]);
  });

  it('offers to resume at the saved position and shows the dry run', async () => {
    const { engine, port } = realEngine({
      version: 1,
      clusterKey: 'kube:test',
      namespace: 'default',
      lessons: { '01-intro': { done: ['why'], current: 'client' } },
      position: { lesson: '01-intro', step: 'client' },
      updatedAt: new Date().toISOString(),
    });
    const ui = renderApp({ connect: async () => engine });
    await ui.waitForText('Continue at “Ways out of the mesh”, step 2/4?');
    await ui.press('y');
    await ui.waitForText('Deploy the client');
    await ui.press('d');
    await ui.waitForText('uid: from-the-server');
    expect(port.calls).toContain('apply:dry');
    await ui.press(KEY.esc);
    await ui.waitForNoText('uid: from-the-server');
    await ui.press('q');
  });

  it('after going back to an earlier lesson, the resume prompt names the position saved last', async () => {
    // 02-checks remembers its own step, but the learner went back to 01-intro/curl afterwards.
    const { engine } = realEngine({
      version: 1,
      clusterKey: 'kube:test',
      namespace: 'default',
      lessons: { '01-intro': { done: ['why', 'client'], current: 'curl' }, '02-checks': { done: ['preflight'], current: 'cleanup' } },
      position: { lesson: '01-intro', step: 'curl' },
      updatedAt: new Date().toISOString(),
    });
    const ui = renderApp({ connect: async () => engine });
    await ui.waitForText('Continue at “Ways out of the mesh”, step 3/4?');
    expect(ui.frame()).not.toContain('Pre-flight');
    await ui.press('y');
    await ui.waitForText('Call httpbin');
    await ui.press('q');
  });
});
