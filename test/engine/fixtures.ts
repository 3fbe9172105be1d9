// Test doubles for engine tests: a small lesson set and a scripted ClusterPort.

import type {
  ApplyOptions,
  ApplyOutcome,
  CheckResult,
  ClusterIdentity,
  ClusterPort,
  DeleteOutcome,
  ExecOptions,
  ExecResult,
  FollowOptions,
  ManagedScope,
  MeshFacts,
  PodInfo,
  PreflightOptions,
  WaitOptions,
} from '../../src/cluster/port.js';
import { ClusterError } from '../../src/cluster/port.js';
import type { KubeObject, Lesson, LessonSet, ObjectRef, PodTarget, Step } from '../../src/lesson/model.js';

const loc = (en: string) => ({ en, zh: en });
const src = { file: 'x/lesson.yaml', line: 1 };

export const client: PodTarget = { namespace: 'default', labels: { app: 'curl' }, container: 'curl' };
export const gateway: PodTarget = { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' };

const se: KubeObject = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn' }, spec: { hosts: ['httpbin.org'] } };
const deploy: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'curl' },
  spec: { template: { metadata: { labels: { app: 'curl' } } } },
};

type Bare<S> = S extends Step ? Omit<S, 'title' | 'body' | 'source'> : never;

function step(s: Bare<Step>): Step {
  return { title: loc(s.id), body: loc(`body of ${s.id}`), source: src, ...s } as Step;
}

export function lessonSet(): LessonSet {
  const setup: Lesson = {
    id: '01-setup',
    title: loc('Setup'),
    summary: loc('summary'),
    requires: [],
    source: src,
    steps: [
      step({ id: 'intro', kind: 'explain' }),
      step({ id: 'preflight', kind: 'check', checks: ['egress-gateway', 'access-logging'] }),
      step({ id: 'client', kind: 'apply', manifests: [{ file: '01-setup/manifests/curl.yaml', yaml: 'kind: Deployment\n', objects: [deploy] }], waitFor: client }),
    ],
  };
  const http: Lesson = {
    id: '02-http',
    title: loc('HTTP'),
    summary: loc('summary'),
    requires: ['01-setup'],
    source: src,
    steps: [
      step({ id: 'se', kind: 'apply', manifests: [{ file: '02-http/manifests/se.yaml', yaml: 'kind: ServiceEntry\n', objects: [se] }] }),
      step({
        id: 'curl',
        kind: 'exec',
        target: client,
        command: ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/headers'],
        tagRequest: true,
        expect: { httpStatus: 200 },
      }),
      step({ id: 'log', kind: 'logs', target: gateway, expect: { requestFrom: 'curl', authority: 'httpbin.org', upstreamClusterContains: 'outbound|80||httpbin.org' } }),
      step({
        id: 'cleanup',
        kind: 'delete',
        objects: [
          { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', name: 'istio-egressgateway' },
          { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn' },
        ],
      }),
    ],
  };
  return { dir: '/lessons', variables: [], values: { httpHost: 'httpbin.org' }, lessons: [setup, http] };
}

export function gatewayLine(requestId: string, authority = 'httpbin.org', when = new Date()): string {
  return `[${when.toISOString()}] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 100 5 4 "10.0.0.7" "curl/8.5.0" "${requestId}" "${authority}" "1.2.3.4:80" outbound|80||${authority} 10.0.0.9:1 10.0.0.9:8080 10.0.0.7:2 - -`;
}

export type ExecScript = (argv: string[], attempt: number) => ExecResult | Promise<ExecResult>;

/** A ClusterPort double: records calls, answers from scripts. */
export class FakePort implements ClusterPort {
  calls: { method: string; args: unknown[] }[] = [];
  existingForeign = new Set<string>(); // kind/name of objects not created by the tutorial
  podReady = true;
  sidecar = true;
  execScript: ExecScript = () => ({ exitCode: 0, stdout: 'HTTP/1.1 200 OK\r\nserver: envoy\r\n\r\n', stderr: '' });
  execAttempts = 0;
  checkResults: CheckResult[] = [];
  facts: MeshFacts = { outboundPolicy: 'ALLOW_ANY', accessLogging: 'on', egressGatewayPods: 1, clientHasSidecar: true, objects: [] };
  /** The log follower of the latest followLogs call; tests push lines through it. */
  follower?: FollowOptions;
  followEnded = false;
  managed: (ObjectRef & { lesson: string })[] = [];

  identity(): ClusterIdentity {
    return { backend: 'kube', context: 'test', server: 'https://127.0.0.1:6443', key: 'kube:test' };
  }
  async preflight(options: PreflightOptions): Promise<CheckResult[]> {
    this.calls.push({ method: 'preflight', args: [options] });
    return this.checkResults;
  }
  async servedVersion(): Promise<string | undefined> {
    return 'v1';
  }
  async apply(objects: KubeObject[], options: ApplyOptions): Promise<ApplyOutcome[]> {
    this.calls.push({ method: 'apply', args: [objects, options] });
    return objects.map((o) => {
      const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? options.namespace };
      if (this.existingForeign.has(`${o.kind}/${o.metadata.name}`) && !options.takeOver)
        return { ref, result: 'conflict' as const, message: 'exists', diff: '- a\n+ b' };
      if (options.dryRun) return { ref, result: 'created' as const, serverYaml: `kind: ${o.kind}\nmetadata:\n  name: ${o.metadata.name}\n` };
      this.managed.push({ ...ref, lesson: options.lesson });
      return { ref, result: 'created' as const };
    });
  }
  async delete(refs: ObjectRef[], options: { namespace: string }): Promise<DeleteOutcome[]> {
    this.calls.push({ method: 'delete', args: [refs, options] });
    return refs.map((ref) => ({ ref, result: this.managed.some((m) => m.kind === ref.kind && m.name === ref.name) ? ('deleted' as const) : ('absent' as const) }));
  }
  async waitForPod(target: PodTarget, options: WaitOptions): Promise<PodInfo> {
    this.calls.push({ method: 'waitForPod', args: [target, options] });
    options.onProgress?.('pod curl-1 Pending: ContainerCreating');
    if (!this.podReady) throw new ClusterError(`No pod ${Object.values(target.labels)[0]} became Ready in time.`, 'timeout');
    return { name: 'curl-1', namespace: target.namespace, phase: 'Running', ready: true, containers: [target.container, 'istio-proxy'], hasSidecar: this.sidecar };
  }
  async exec(pod: { namespace: string; name: string }, container: string, argv: string[], options: ExecOptions): Promise<ExecResult> {
    this.calls.push({ method: 'exec', args: [pod, container, argv] });
    this.execAttempts++;
    const result = await this.execScript(argv, this.execAttempts);
    options.onStdout?.(result.stdout);
    if (result.stderr) options.onStderr?.(result.stderr);
    return result;
  }
  followLogs(target: PodTarget, options: FollowOptions): Promise<void> {
    this.calls.push({ method: 'followLogs', args: [target, options.tailLines] });
    this.follower = options;
    this.followEnded = false;
    return new Promise((resolve) => {
      options.signal.addEventListener('abort', () => {
        this.followEnded = true;
        resolve();
      });
    });
  }
  emit(text: string, pod = 'istio-egressgateway-1'): void {
    this.follower?.onLine({ pod, container: 'istio-proxy', text, receivedAt: Date.now() });
  }
  async listManaged(scope: ManagedScope): Promise<ObjectRef[]> {
    return this.managed.filter((m) => !scope.lesson || m.lesson === scope.lesson);
  }
  async deleteManaged(scope: ManagedScope): Promise<DeleteOutcome[]> {
    this.calls.push({ method: 'deleteManaged', args: [scope] });
    const gone = this.managed.filter((m) => !scope.lesson || m.lesson === scope.lesson);
    this.managed = this.managed.filter((m) => !gone.includes(m));
    return gone.map(({ lesson: _l, ...ref }) => ({ ref, result: 'deleted' as const }));
  }
  async meshFacts(): Promise<MeshFacts> {
    return this.facts;
  }
  close(): void {}
}

export async function waitFor(condition: () => boolean, what = 'condition', timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
