// The engine's public contract: the ink UI and the headless runner both drive an Engine.
// The engine imports no ink; the UI makes no cluster calls.

import type { ApplyOutcome, ClusterIdentity, ClusterPort, CheckResult, DeleteOutcome, Drift, LogLine } from '../cluster/port.js';
import type { GatewayMode, Lang, Lesson, LessonSet, ObjectRef, Step, TrackDef } from '../lesson/model.js';
import type { Trace } from '../trace/model.js';
import type { FixPatch } from '../explain/patch.js';
import type { PredictionRecords } from '../predict/model.js';

/** Where a step is in its life. */
export type StepPhase =
  | 'idle' // not run yet (explain steps stay idle and count as done when passed over)
  | 'confirm' // waiting for the learner's y/n (the step changes the cluster)
  | 'running'
  | 'conflict' // apply found objects the tutorial did not create: waiting for take-over or skip
  | 'passed'
  | 'failed'
  | 'cancelled';

export interface OutputEntry {
  stream: 'stdout' | 'stderr' | 'info' | 'error';
  text: string; // may hold several lines
}

export interface LogEntry {
  line: LogLine;
  /** This line is the step's proof (the request crossed the gateway). */
  proof: boolean;
}

export interface Verdict {
  ok: boolean;
  summary: string; // one sentence: what happened ("HTTP 200 through the egress gateway")
  diagnosis?: string; // when not ok: the likely cause and the fix
  httpStatus?: number;
  exitCode?: number;
  proofLine?: LogLine;
  attempts?: number; // verification attempts made (Istio pushes config asynchronously)
}

export interface StepState {
  phase: StepPhase;
  /** While running: what we wait for, for the spinner ("waiting for pod curl-… to be Ready"). */
  activity?: string;
  output: OutputEntry[]; // bounded
  logs: LogEntry[]; // bounded ring (newest last)
  applied?: ApplyOutcome[];
  deleted?: DeleteOutcome[];
  checks?: CheckResult[];
  verdict?: Verdict;
  /** C6: the last failed verification found these tutorial objects changed by another field manager. */
  drift?: Drift[];
  /** The tutorial's objects from another lesson that decided this step's result (a ServiceEntry an experiment must not see, a REGISTRY_ONLY Sidecar): removeLeftovers() offers to delete them. Additive. */
  leftovers?: ObjectRef[];
  /** The request's path hop by hop, once Engine.trace() was asked (updated while its logs are followed). Additive. */
  trace?: Trace;
  /** Additive (explainer): the first finding's fix, which applyExplainFix() makes after confirmation. */
  explainFix?: FixPatch;
}

export interface LessonProgress {
  done: string[]; // step ids passed (or read, for explain steps)
  current?: string; // step id to resume at
  /** The learner's predictions by step id (src/predict): answered or skipped, and whether they held. Additive. */
  predictions?: PredictionRecords;
}

export interface EngineSnapshot {
  /** Increments on every change; cheap equality for renderers. */
  revision: number;
  lang: Lang;
  lessons: Lesson[];
  /** The course's tracks (their lessons follow the core ones in `lessons`). */
  tracks: TrackDef[];
  lessonIndex: number;
  stepIndex: number;
  lesson: Lesson;
  step: Step;
  stepState: StepState;
  progress: Record<string, LessonProgress>;
  cluster: ClusterIdentity;
  namespace: string; // the client namespace
  istioNamespace: string;
  /** True when a saved position exists that differs from the start: the UI offers to resume. */
  canResume: boolean;
  /** The saved position the resume prompt offers (present while canResume). Additive. */
  resumeAt?: { lesson: string; step: string };
  /** Warnings for the learner (a corrupt progress file set aside, progress that could not be saved). Additive. */
  warnings?: string[];
  /** False when progress is not being saved (the state directory is unusable, or the last save failed). Additive. */
  progressSaved?: boolean;
  /** The gateway mode the lessons run in (shared or own). Additive. */
  gateway?: GatewayMode;
}

export type ResetScope = 'lesson' | 'all' | 'progress';

export interface ResetReport {
  scope: ResetScope;
  removed: DeleteOutcome[];
}

export interface Engine {
  snapshot(): EngineSnapshot;
  /** Called after every change (possibly many times a second while logs stream): throttle renders. */
  subscribe(listener: () => void): () => void;

  setLang(lang: Lang): void;
  openLesson(lessonId: string, stepId?: string): void;
  resume(): void; // go to the saved position
  /** Move to the next step (marks an explain step read); at the last step, to the next lesson. */
  next(): void;
  back(): void;

  /** The step changes the cluster (apply, delete, check with an auto-fix): ask y/n before run(). */
  needsConfirmation(step?: Step): boolean;
  /**
   * Record the learner's prediction for the current step (lesson.yaml `predict:`): a 0-based choice,
   * or null when skipped. Call before run(); the engine scores it when the check passes. Additive.
   */
  predict?(choice: number | null): void;
  /** Run the current step's action; resolves with its verdict (also in the snapshot). Never throws. */
  run(): Promise<Verdict>;
  /** After an apply conflict: take over the existing objects (true) or leave them and fail (false). */
  resolveConflict(takeOver: boolean): Promise<Verdict>;
  /** Apply a check's auto-fix (after confirmation), then re-run the checks. */
  applyFix(check: CheckResult): Promise<Verdict>;
  /**
   * C6: after a failed verification found drift (stepState.drift) and the learner confirmed:
   * re-apply the objects it names from the lesson's manifests, taking the changed fields back
   * (forced ownership), then run the step again. Never throws.
   */
  reapply(): Promise<Verdict>;
  /** After a verification named leftovers (stepState.leftovers) and the learner confirmed: delete them (the tutorial's only), then run the step again. Never throws. */
  removeLeftovers(): Promise<Verdict>;
  /**
   * Additive: trace the current exec or logs step's request through the client sidecar and the
   * egress gateway (follows both logs for a few seconds; stepState.trace shows it as it fills in).
   * Undefined when the step sent no request this session. Never throws; cancel() stops it.
   */
  trace?(): Promise<Trace | undefined>;
  /** Additive (explainer): after a failed verification's explanation offered a fix (stepState.explainFix) and the learner confirmed: make it, then run the step again. Never throws. */
  applyExplainFix?(): Promise<Verdict>;
  /** The server's dry-run result for the current apply step, as YAML. */
  dryRun(): Promise<string>;
  /** Esc: stop what is running (wait, exec, log follow, retries). */
  cancel(): void;
  reset(scope: ResetScope): Promise<ResetReport>;

  /** The kubectl commands equivalent to a step's action, for the learner to read or copy. */
  kubectlFor(step: Step): string[];
  /** Stop every stream and timer synchronously (exit and signal handlers call this). */
  dispose(): void;
}

export interface EngineOptions {
  lessons: LessonSet;
  port: ClusterPort;
  progress: ProgressStore;
  lang: Lang;
  namespace: string; // client namespace
  istioNamespace: string;
  /** Verification retry budget (Istio pushes config asynchronously). Tests set it small. */
  verifyTimeoutMs?: number;
  /** How long after a request finished a logs step waits for its line before saying so (default: the flush interval + 4 s). Tests set it small. */
  logLineGraceMs?: number;
  now?: () => number;
  /** Additive: warnings from opening the session (a gateway mode switch with the other mode's objects in place). */
  warnings?: string[];
}

/** Saved progress for one (cluster, namespace). */
export interface ProgressStore {
  load(): SavedProgress | undefined;
  save(progress: SavedProgress): void; // atomic
  clear(): void;
  /** Set when the file was corrupt or foreign and was set aside: a warning for the learner. */
  warning?: string;
  /** False when progress lives in memory only (an unusable state directory); additive. */
  persistent?: boolean;
}

export interface SavedProgress {
  version: 1;
  clusterKey: string;
  namespace: string;
  lessons: Record<string, LessonProgress>;
  position?: { lesson: string; step: string };
  updatedAt: string; // ISO time
  /** The gateway mode this progress was made in (issue 11); absent in older files: shared. */
  gateway?: GatewayMode;
}
