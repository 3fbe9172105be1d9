// A scripted Engine for UI tests: records every call, walks a small lesson set, and lets each test
// decide what run() does. Not a model of the real engine's rules; just enough to drive the screens.

import type { CheckResult, ClusterIdentity, LogLine } from '../../src/cluster/port.js';
import type { Engine, EngineSnapshot, LessonProgress, ResetReport, ResetScope, StepState, Verdict } from '../../src/engine/types.js';
import type { Lang, Lesson, Step, TrackDef } from '../../src/lesson/model.js';

const src = { file: 'x/lesson.yaml', line: 1 };
const l = (en: string, zh: string) => ({ en, zh });

export function sampleLessons(): Lesson[] {
  return [
    {
      id: '01-intro',
      title: l('Ways out of the mesh', '离开网格的路'),
      summary: l('Why an **egress gateway**.', '为什么需要**出口网关**。'),
      requires: [],
      source: src,
      steps: [
        {
          id: 'why',
          kind: 'explain',
          title: l('Why egress control', '为什么要控制出口流量'),
          body: l(
            'Traffic leaving the mesh goes **straight out** by default.\n\nThis lesson shows the way through a gateway.',
            '默认情况下，离开网格的流量会**直接出去**。这一课演示如何让流量经过出口网关，并在网关的访问日志中看到每一个请求，从而集中管理和审计所有出站连接。',
          ),
          source: src,
          diagram: 'flow.txt',
          diagramText: 'client ──▶ sidecar ──▶ egress gateway ──▶ httpbin.org\n',
        },
        {
          id: 'client',
          kind: 'apply',
          title: l('Deploy the client', '部署客户端'),
          body: l('Apply the curl client.', '应用 curl 客户端。'),
          source: src,
          manifests: [
            {
              file: '01-intro/manifests/curl.yaml',
              yaml: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: curl\n',
              objects: [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'curl' } }],
            },
          ],
        },
        {
          id: 'curl',
          kind: 'exec',
          title: l('Call httpbin', '访问 httpbin'),
          body: l('Run curl.', '运行 curl。'),
          source: src,
          target: { namespace: 'default', labels: { app: 'curl' }, container: 'curl' },
          command: ['curl', '-sS', 'http://httpbin.org/headers'],
          tagRequest: true,
          expect: { httpStatus: 200 },
        },
        {
          id: 'gateway-log',
          kind: 'logs',
          title: l('Read the gateway log', '查看网关日志'),
          body: l('Find the request in the log.', '在日志中找到这个请求。'),
          source: src,
          target: { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' },
          expect: { requestFrom: 'curl', authority: 'httpbin.org' },
        },
      ],
    },
    {
      id: '02-checks',
      title: l('Pre-flight', '预检'),
      summary: l('Check the cluster.', '检查集群。'),
      requires: [],
      source: src,
      steps: [
        {
          id: 'preflight',
          kind: 'check',
          title: l('Check the mesh', '检查网格'),
          body: l('Checks.', '检查。'),
          source: src,
          checks: ['egress-gateway', 'access-logging'],
        },
        {
          id: 'cleanup',
          kind: 'delete',
          title: l('Clean up', '清理'),
          body: l('Delete.', '删除。'),
          source: src,
          objects: [{ apiVersion: 'v1', kind: 'ServiceAccount', name: 'curl' }],
        },
      ],
    },
  ];
}

function idle(): StepState {
  return { phase: 'idle', output: [], logs: [] };
}

export interface FakeOptions {
  lessons?: Lesson[];
  tracks?: TrackDef[];
  lang?: Lang;
  canResume?: boolean;
  /** Saved position (for resume). */
  resumeAt?: { lessonIndex: number; stepIndex: number };
  progress?: Record<string, LessonProgress>;
  cluster?: ClusterIdentity;
  warnings?: string[];
}

export class FakeEngine implements Engine {
  readonly calls: string[] = [];
  lessons: Lesson[];
  tracks: TrackDef[];
  lang: Lang;
  lessonIndex = 0;
  stepIndex = 0;
  revision = 0;
  canResume: boolean;
  resumeAt?: { lessonIndex: number; stepIndex: number };
  progress: Record<string, LessonProgress>;
  states = new Map<string, StepState>();
  cluster: ClusterIdentity;
  warnings?: string[];
  listeners = new Set<() => void>();
  /** What run() does; default: the step passes at once. */
  onRun: (engine: FakeEngine) => Promise<Verdict> = async (engine) => engine.finish({ ok: true, summary: 'done' });
  dryRunResult: Promise<string> = Promise.resolve('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: curl\n  uid: 1234\n');

  constructor(options: FakeOptions = {}) {
    this.lessons = options.lessons ?? sampleLessons();
    this.tracks = options.tracks ?? [];
    this.lang = options.lang ?? 'en';
    this.canResume = options.canResume ?? false;
    this.resumeAt = options.resumeAt;
    this.progress = options.progress ?? {};
    this.warnings = options.warnings;
    this.cluster = options.cluster ?? { backend: 'practice', context: 'egress-tutorial-practice', server: 'https://127.0.0.1:1234', key: 'practice' };
  }

  get step(): Step {
    return this.lessons[this.lessonIndex].steps[this.stepIndex];
  }

  get state(): StepState {
    const key = `${this.lessonIndex}:${this.stepIndex}`;
    let s = this.states.get(key);
    if (!s) {
      s = idle();
      this.states.set(key, s);
    }
    return s;
  }

  set state(next: StepState) {
    this.states.set(`${this.lessonIndex}:${this.stepIndex}`, next);
  }

  /** Change the current step's state and notify. */
  update(patch: Partial<StepState>): void {
    this.state = { ...this.state, ...patch };
    this.notify();
  }

  finish(verdict: Verdict): Verdict {
    this.update({ phase: verdict.ok ? 'passed' : 'failed', verdict, activity: undefined });
    if (verdict.ok) this.markDone();
    return verdict;
  }

  addLog(line: Partial<LogLine> & { text: string }, proof = false): void {
    const entry = { line: { pod: 'istio-egressgateway-abc', container: 'istio-proxy', receivedAt: 0, ...line }, proof };
    this.update({ logs: [...this.state.logs, entry] });
  }

  notify(): void {
    this.revision++;
    for (const listener of [...this.listeners]) listener();
  }

  markDone(): void {
    const lesson = this.lessons[this.lessonIndex];
    const current = this.progress[lesson.id] ?? { done: [] };
    if (!current.done.includes(this.step.id)) this.progress = { ...this.progress, [lesson.id]: { ...current, done: [...current.done, this.step.id] } };
  }

  snapshot(): EngineSnapshot {
    const lesson = this.lessons[this.lessonIndex];
    const snap: EngineSnapshot & { resumeAt?: { lesson: string; step: string } } = {
      revision: this.revision,
      lang: this.lang,
      lessons: this.lessons,
      tracks: this.tracks,
      lessonIndex: this.lessonIndex,
      stepIndex: this.stepIndex,
      lesson,
      step: this.step,
      stepState: this.state,
      progress: this.progress,
      cluster: this.cluster,
      namespace: 'default',
      istioNamespace: 'istio-system',
      canResume: this.canResume,
      warnings: this.warnings,
    };
    if (this.resumeAt) {
      const rl = this.lessons[this.resumeAt.lessonIndex];
      snap.resumeAt = { lesson: rl.id, step: rl.steps[this.resumeAt.stepIndex].id };
    }
    return snap;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setLang(lang: Lang): void {
    this.calls.push(`setLang:${lang}`);
    this.lang = lang;
    this.notify();
  }

  openLesson(lessonId: string, stepId?: string): void {
    this.calls.push(`openLesson:${lessonId}${stepId ? `:${stepId}` : ''}`);
    this.lessonIndex = this.lessons.findIndex((x) => x.id === lessonId);
    this.stepIndex = stepId ? this.lessons[this.lessonIndex].steps.findIndex((s) => s.id === stepId) : 0;
    this.notify();
  }

  resume(): void {
    this.calls.push('resume');
    if (this.resumeAt) {
      this.lessonIndex = this.resumeAt.lessonIndex;
      this.stepIndex = this.resumeAt.stepIndex;
    }
    this.canResume = false;
    this.notify();
  }

  next(): void {
    this.calls.push('next');
    if (this.step.kind === 'explain') this.markDone();
    if (this.stepIndex + 1 < this.lessons[this.lessonIndex].steps.length) this.stepIndex++;
    else if (this.lessonIndex + 1 < this.lessons.length) {
      this.lessonIndex++;
      this.stepIndex = 0;
    }
    this.notify();
  }

  back(): void {
    this.calls.push('back');
    if (this.stepIndex > 0) this.stepIndex--;
    else if (this.lessonIndex > 0) {
      this.lessonIndex--;
      this.stepIndex = this.lessons[this.lessonIndex].steps.length - 1;
    }
    this.notify();
  }

  needsConfirmation(step?: Step): boolean {
    const s = step ?? this.step;
    return s.kind === 'apply' || s.kind === 'delete';
  }

  run(): Promise<Verdict> {
    this.calls.push('run');
    this.update({ phase: 'running', activity: 'working on it', verdict: undefined });
    return this.onRun(this);
  }

  async resolveConflict(takeOver: boolean): Promise<Verdict> {
    this.calls.push(`resolveConflict:${takeOver}`);
    return this.finish(takeOver ? { ok: true, summary: 'taken over' } : { ok: false, summary: 'skipped: objects left as they are' });
  }

  async applyFix(check: CheckResult): Promise<Verdict> {
    this.calls.push(`applyFix:${check.name}`);
    return this.finish({ ok: true, summary: 'fixed' });
  }

  async removeLeftovers(): Promise<Verdict> {
    this.calls.push('removeLeftovers');
    return this.finish({ ok: true, summary: 'leftovers removed' });
  }

  async applyExplainFix(): Promise<Verdict> {
    this.calls.push('applyExplainFix');
    return this.finish({ ok: true, summary: 'fix made' });
  }

  async reapply(): Promise<Verdict> {
    this.calls.push('reapply');
    return this.finish({ ok: true, summary: 're-applied' });
  }

  dryRun(): Promise<string> {
    this.calls.push('dryRun');
    return this.dryRunResult;
  }

  cancel(): void {
    this.calls.push('cancel');
    this.update({ phase: 'cancelled', activity: undefined });
  }

  async reset(scope: ResetScope): Promise<ResetReport> {
    this.calls.push(`reset:${scope}`);
    // Like the engine: a lesson starts over at its first step, everything at the first lesson.
    if (scope === 'lesson') this.stepIndex = 0;
    else {
      this.lessonIndex = 0;
      this.stepIndex = 0;
      this.progress = {};
    }
    this.states.clear();
    this.notify();
    return { scope, removed: scope === 'progress' ? [] : [{ ref: { apiVersion: 'v1', kind: 'ServiceAccount', name: 'curl', namespace: 'default' }, result: 'deleted' }] };
  }

  /** The equivalent commands kubectlFor returns (default: one line naming the step). */
  commands?: (step: Step) => string[];

  kubectlFor(step: Step): string[] {
    return this.commands ? this.commands(step) : [`kubectl ${step.kind} ${step.id} -n default`];
  }

  dispose(): void {
    this.calls.push('dispose');
  }
}
