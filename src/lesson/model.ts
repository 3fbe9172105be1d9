// The lesson model: what a loaded, validated lesson folder becomes.
// Lessons are data (lessons/); this module only describes their shape.

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** Text in every supported language. */
export type Localized = Record<Lang, string>;

/** Where something came from in a lesson file, for `file:line: problem` reports. */
export interface SourceRef {
  file: string; // path relative to the lessons folder, e.g. "03-http-gateway/lesson.yaml"
  line: number; // 1-based
}

export type VariableType = 'dns-name' | 'port' | 'namespace' | 'string';

/**
 * Whose egress gateway the lessons use: `shared` (the Istio namespace's, the seed's way) or `own`
 * (a gateway the learner deploys in their namespace, for a class on one cluster).
 */
export type GatewayMode = 'shared' | 'own';
export const GATEWAY_MODES: readonly GatewayMode[] = ['shared', 'own'];

/** A step that only applies in one gateway mode (`when: { gateway: own }` in lesson.yaml). */
export interface StepCondition {
  gateway?: GatewayMode;
}

/** A lesson variable (lessons/course.yaml); `--set name=value` overrides the default. */
export interface VariableDef {
  name: string; // camelCase, used as {{name}} in manifests, commands and prose
  type: VariableType;
  default: string;
  description: Localized;
}

/** Resolved variable values, after defaults, --set and validation. */
export type VariableValues = Record<string, string>;

/** Pods a step acts on: every pod matching the labels in the namespace. */
export interface PodTarget {
  namespace: string;
  labels: Record<string, string>;
  container: string;
}

/** A Kubernetes object identity. apiVersion is the authored one; backends may serve another version of the same group. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string; // absent for cluster-scoped kinds
}

/** A parsed Kubernetes object (a manifest document after variable substitution). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

/** One manifest file, after variable substitution. */
export interface Manifest {
  file: string; // relative to the lessons folder
  yaml: string; // the rendered text shown to the learner (one or more documents)
  objects: KubeObject[];
}

export type StepKind = 'explain' | 'apply' | 'delete' | 'exec' | 'logs' | 'check';

interface StepBase {
  id: string; // stable across languages and releases: progress is keyed by it
  kind: StepKind;
  title: Localized;
  body: Localized; // Markdown, variables substituted
  source: SourceRef;
  /** Only in this gateway mode; steps of the other mode are left out when the lessons load. */
  when?: StepCondition;
}

export interface ExplainStep extends StepBase {
  kind: 'explain';
  diagram?: string; // file under assets/diagrams/, shown as preformatted text
  diagramText?: string; // its contents, loaded
}

/**
 * The same intent written in the other API (lesson.yaml `equivalent:` on an apply step): the
 * Kubernetes Gateway API beside Istio's networking API, or the reverse. Shown, never applied.
 */
export interface Equivalent {
  /** Which API the equivalent is written in: the other one than the step's own manifests. */
  api: 'gateway-api' | 'istio';
  manifests: Manifest[];
  /** What differs between the two, in a sentence or two. */
  note?: Localized;
}

export interface ApplyStep extends StepBase {
  kind: 'apply';
  manifests: Manifest[];
  /** The same objects' intent in the other API (`v` shows it). */
  equivalent?: Equivalent;
  /** Wait until pods matching this target are Ready after applying (e.g. the client deployment). */
  waitFor?: PodTarget;
}

export interface DeleteStep extends StepBase {
  kind: 'delete';
  objects: ObjectRef[];
}

/** What a verification command must show. All given fields must hold. */
export interface ExecExpect {
  httpStatus?: number; // status of the last response in curl's `-D -` output
  /** curl's exit code, or any of several (the same cause may exit 35 or 56); default 0. */
  exitCode?: number | number[];
  outputContains?: string;
}

/** One answer of a prediction; exactly one of a prediction's choices is correct. */
export interface PredictChoice {
  text: Localized;
  correct: boolean;
  /** Why this answer is right or wrong, shown after the check (else the prediction's why). */
  why?: Localized;
}

/**
 * "What will happen?" asked before a verification runs (lesson.yaml `predict:` on an exec or logs
 * step): 2–4 choices, one correct, and why; the check then says whether the learner's answer held.
 */
export interface Prediction {
  question: Localized;
  choices: PredictChoice[];
  why?: Localized;
  source: SourceRef;
}

export interface ExecStep extends StepBase {
  kind: 'exec';
  /** Asked before the command runs (optional for the learner; never asked headless). */
  predict?: Prediction;
  target: PodTarget; // the first Ready pod matching it
  command: string[]; // argv, variables substituted, as authored (shown as `kubectl exec ... -- argv`)
  /** Add a unique `x-request-id` header to a curl so the gateway log line can be found exactly. */
  tagRequest: boolean;
  expect: ExecExpect;
  /** A failure is the lesson's point (e.g. REGISTRY_ONLY blocks the host); still verified against `expect`. */
  expectFailure?: boolean;
  /**
   * Earlier apply steps of the lesson whose objects give this command its meaning (a curl "through
   * the gateway"): when they are missing the step says so instead of passing.
   */
  dependsOn?: string[];
}

/** What the proof line in an Envoy access log must show. All given fields must hold. */
export interface LogExpect {
  /** The exec step whose request must appear (matched by its x-request-id when tagged, else by time). */
  requestFrom?: string;
  authority?: string; // :authority of an HTTP request
  sni?: string; // REQUESTED_SERVER_NAME of a TLS passthrough connection
  upstreamClusterContains?: string; // e.g. "outbound|80||httpbin.org"
  responseCode?: number; // 0 for TCP/TLS lines
}

export interface LogsStep extends StepBase {
  kind: 'logs';
  /** Asked before the log is searched (optional for the learner; never asked headless). */
  predict?: Prediction;
  target: PodTarget; // every matching pod is followed
  expect: LogExpect;
}

export type CheckName =
  | 'cluster-reachable'
  | 'istio-crds'
  | 'istio-namespace'
  | 'egress-gateway'
  | 'access-logging'
  | 'sidecar-injection'
  | 'outbound-policy'
  | 'permissions'
  | 'client-ready'
  | 'dataplane-mode'
  | 'shared-gateway'
  | 'network-policy-enforced'
  | 'gateway-secrets'
  | 'ambient-mode'
  | 'gateway-api-crds'
  | 'gateway-api-tls'
  | 'route-visibility';

export interface CheckStep extends StepBase {
  kind: 'check';
  checks: CheckName[];
}

export type Step = ExplainStep | ApplyStep | DeleteStep | ExecStep | LogsStep | CheckStep;

/**
 * A track: lessons after the core ones on a neighbouring topic (course.yaml `tracks:`), walked on
 * their own (`run --track ID`), never by a plain `run`.
 */
export interface TrackDef {
  id: string; // kebab-case, e.g. "gateway-api"
  title: Localized;
  /** What the cluster needs for it, one line, shown in the course menu. */
  requires: Localized;
}

export interface Lesson {
  id: string; // folder name, e.g. "03-http-gateway"
  /** The track it belongs to (lesson.yaml `track:`); absent for the core lessons. */
  track?: string;
  title: Localized;
  summary: Localized; // Markdown before the first step
  /** Lessons whose objects must exist first (e.g. the client pod from setup). */
  requires: string[];
  steps: Step[];
  source: SourceRef;
  /** What the learner has learned, in one line, for the "lesson done" screen (lesson.yaml `learned`). */
  learned?: Localized;
}

export interface LessonSet {
  dir: string; // absolute path of the lessons folder
  variables: VariableDef[];
  values: VariableValues;
  /** The gateway mode the lessons were rendered for (absent: shared). */
  gateway?: GatewayMode;
  glossary?: { en: string; zh: string; note?: Localized }[];
  /** The tracks of course.yaml, in its order (their lessons follow the core lessons). */
  tracks?: TrackDef[];
  lessons: Lesson[]; // in order: the core lessons, then each track's
}

/** A problem found while loading or validating a lesson folder. */
export interface LessonProblem {
  file: string;
  line: number;
  message: string;
}

/** The exit codes an expectation accepts (default: 0 only). */
export function expectedExitCodes(expect: ExecExpect): number[] {
  const code = expect.exitCode;
  return code === undefined ? [0] : Array.isArray(code) ? code : [code];
}
