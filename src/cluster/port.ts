// The cluster port: everything the engine asks of a cluster. One implementation talks to a
// Kubernetes API with @kubernetes/client-node (src/cluster/kube); the practice cluster is such an
// API on loopback, so there is no second code path. Tests of the engine may use a small in-test port.

import type { CheckName, GatewayMode, KubeObject, Lang, ObjectRef, PodTarget } from '../lesson/model.js';

export type Backend = 'kube' | 'practice';

export interface ClusterIdentity {
  backend: Backend;
  context: string; // kubeconfig context name ("egress-tutorial-practice" for the practice cluster)
  server: string; // API server URL
  /** Stable key for progress: backend + server (+ cluster name); never contains credentials. */
  key: string;
  /** A kubeconfig file the learner can point kubectl at for this cluster, when the tutorial wrote one (the practice cluster's). */
  kubeconfig?: string;
}

export type CheckLevel = 'pass' | 'warn' | 'fail';

/** Something the learner can let the tutorial do to fix a check, on confirmation. */
export type CheckFix =
  /** `shared` (additive): objects outside the learner's namespace to claim with ClusterPort.claimShared after `objects` are applied. */
  | { kind: 'apply'; objects: KubeObject[]; description: string; shared?: KubeObject[] }
  | { kind: 'label-namespace'; namespace: string; labels: Record<string, string>; description: string };

export interface CheckResult {
  name: CheckName;
  level: CheckLevel;
  summary: string; // one line: what was found
  fix?: string; // one or more sentences / commands telling the learner what to do
  autoFix?: CheckFix;
  details?: string[]; // e.g. served versions, missing permissions
}

export interface PreflightOptions {
  clientNamespace: string;
  istioNamespace: string;
  client: PodTarget; // the client pod (for 'client-ready')
  /** Additive: the gateway mode and its pods (default: shared, the Istio namespace's istio=egressgateway). */
  gateway?: GatewayTarget;
  /** Additive: the host:port pairs the lessons' Gateways claim (for 'shared-gateway'). */
  gatewayClaims?: { host: string; port: number }[];
  checks?: CheckName[]; // default: all
  signal?: AbortSignal;
}

/** Labels every object the tutorial creates carries (plus the field manager). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'egress-tutorial';
export const LESSON_LABEL = 'egress-tutorial.dev/lesson';
export const STEP_LABEL = 'egress-tutorial.dev/step';
export const FIELD_MANAGER = 'egress-tutorial';
/** Additive (classroom, C3): objects `class setup` made carry it; they are the instructor's, so a learner's reset leaves them. */
export const CLASS_LABEL = 'egress-tutorial.dev/class';
/** Additive (classroom, C4): the learner's progress ConfigMap. */
export const PROGRESS_LABEL = 'egress-tutorial.dev/progress';

export interface ApplyOptions {
  lesson: string;
  step: string;
  namespace: string; // for namespaced objects without metadata.namespace
  dryRun?: boolean;
  /** The learner confirmed taking over objects that exist and were not created by the tutorial. */
  takeOver?: boolean;
  signal?: AbortSignal;
  /** Additive: called as each object's apply is answered (so an interrupted apply knows what it changed). */
  onOutcome?: (outcome: ApplyOutcome) => void;
}

export type ApplyResultKind = 'created' | 'configured' | 'unchanged' | 'conflict' | 'error';

export interface ApplyOutcome {
  ref: ObjectRef; // with the apiVersion actually used (the served version)
  result: ApplyResultKind;
  /** For 'conflict': the object exists and is not the tutorial's; `diff` says what differs. */
  message?: string;
  /** Additive: `message` in both languages (a language switch re-renders it). */
  messages?: { en: string; zh: string };
  diff?: string;
  /** For dryRun: the object as the server would store it, as YAML. */
  serverYaml?: string;
}

export interface DeleteOutcome {
  ref: ObjectRef;
  result: 'deleted' | 'absent' | 'not-ours' | 'error';
  message?: string;
  /** Additive: `message` in both languages. */
  messages?: { en: string; zh: string };
  /** Additive: a shared object this reset did not delete: the claim was released (others rely on it) or it was kept (no claims recorded, or not this namespace's). */
  shared?: SharedOutcome;
  /** Additive, with `shared`: the namespaces still relying on it. */
  usedBy?: string[];
}

export interface PodInfo {
  name: string;
  namespace: string;
  phase: string;
  ready: boolean;
  containers: string[];
  hasSidecar: boolean; // istio-proxy container or native-sidecar init container
  /** status.podIP: a gateway's log names the client by it (downstream remote address). Additive. */
  ip?: string;
  /** The pod opted out of injection (label sidecar.istio.io/inject: "false"): no sidecar is intended. Additive. */
  optedOut?: boolean;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with what we are waiting for, e.g. "pod curl-5d8… Pending: ContainerCreating". */
  onProgress?: (message: string) => void;
}

export interface ExecOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onStdout?: (text: string) => void; // decoded UTF-8 chunks, as they arrive
  onStderr?: (text: string) => void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface LogLine {
  pod: string;
  container: string;
  text: string; // one line, without the newline
  receivedAt: number; // ms since epoch, when it arrived
}

export interface FollowOptions {
  signal: AbortSignal; // aborting stops every stream; the promise then resolves
  onLine: (line: LogLine) => void;
  /** Stream events worth telling the learner: "pod x replaced, following y", "reconnecting". */
  onEvent?: (message: string) => void;
  /** Start from now (default) or include this many earlier lines per pod. */
  tailLines?: number;
  /** Additive: pods were replaced while following (a restart: old ones Terminating or gone, new ones followed). */
  onRestart?: (change: { replaced: string[]; added: string[] }) => void;
}

/** C6: a tutorial object whose live fields another field manager owns (changed it after the tutorial applied it). */
export interface Drift {
  ref: ObjectRef; // with the served apiVersion and the namespace
  fields: string[]; // dotted paths as kubectl explain names them: "spec.gateways"
  managers: string[]; // the other field managers: "kubectl-patch", "kubectl-edit", ...
}

export interface DriftOptions {
  namespace: string; // for namespaced objects without metadata.namespace
  /** The labels the tutorial added when it applied them (they count as applied fields). */
  lesson?: string;
  step?: string;
  signal?: AbortSignal;
}

export interface ManagedScope {
  lesson?: string; // absent: everything the tutorial created
  namespaces: string[]; // where to look (client and Istio namespaces)
  /** Additive: only these kinds (e.g. the kinds an exec step relies on), to keep the API load down. */
  kinds?: string[];
  /**
   * Additive: objects in these namespaces are shared by several learners (the Istio namespace's
   * access-log Telemetry). Reset releases `learner`'s claim on them (annotation
   * egress-tutorial.dev/used-by) and deletes one only when no namespace relies on it any more, or
   * every one of them with `include`. Objects without the annotation (the old mesh-wide
   * mesh-default) are left alone unless `include`. Without `shared`, everything in `namespaces` goes.
   */
  shared?: { namespaces: string[]; learner: string; include?: boolean };
}

/** The gateway mode of a session and the gateway pods it uses. */
export interface GatewayTarget {
  mode: GatewayMode;
  pods: PodTarget;
}

/** The class settings a learner namespace holds (ConfigMap egress-tutorial-class, contract C3). */
export interface ClassSettings {
  gateway?: GatewayMode;
  istioNamespace?: string;
  class?: string;
}

/** The annotation on a shared object naming the learner namespaces that rely on it (comma-separated, sorted). */
export const USED_BY_ANNOTATION = 'egress-tutorial.dev/used-by';
export const CLASS_CONFIGMAP = 'egress-tutorial-class';

/** What reset did to a shared object: released this namespace's claim, or left it for others. Additive on DeleteOutcome. */
export type SharedOutcome = 'released' | 'kept';

export interface ClusterPort {
  identity(): ClusterIdentity;
  preflight(options: PreflightOptions): Promise<CheckResult[]>;
  /** The version of `group` that manifests should be applied with (v1 preferred), or undefined when the group is not served. */
  servedVersion(group: string, signal?: AbortSignal): Promise<string | undefined>;
  apply(objects: KubeObject[], options: ApplyOptions): Promise<ApplyOutcome[]>;
  delete(refs: ObjectRef[], options: { namespace: string; signal?: AbortSignal; waitMs?: number }): Promise<DeleteOutcome[]>;
  waitForPod(target: PodTarget, options: WaitOptions): Promise<PodInfo>;
  exec(pod: { namespace: string; name: string }, container: string, argv: string[], options: ExecOptions): Promise<ExecResult>;
  followLogs(target: PodTarget, options: FollowOptions): Promise<void>;
  listManaged(scope: ManagedScope, signal?: AbortSignal): Promise<ObjectRef[]>;
  /**
   * Additive: true when this session applied every one of these objects (the server answered
   * with it) and has not deleted them since — a read that need not be sent (issue 11).
   */
  heldBySession?(refs: ObjectRef[]): boolean;
  deleteManaged(scope: ManagedScope, options?: { signal?: AbortSignal; waitMs?: number }): Promise<DeleteOutcome[]>;
  /** Facts the verification diagnosis needs (which Istio objects exist, outbound policy, gateway presence). */
  meshFacts(options: {
    clientNamespace: string;
    istioNamespace: string;
    signal?: AbortSignal;
    /** the client pods, for clientHasSidecar (default: every pod of the client namespace) */
    client?: PodTarget;
    /** Additive: the session's gateway (default shared) for egressGatewayPods and accessLogging. */
    gateway?: GatewayTarget;
    /** Additive (explainer): also list the Istio kinds in every namespace (`others`), when allowed. */
    wide?: boolean;
  }): Promise<MeshFacts>;
  /**
   * A CheckFix of kind 'label-namespace': merge the labels into the namespace (creating it when
   * missing). Not an apply: the namespace does not become the tutorial's, so reset never deletes it.
   */
  labelNamespace?(namespace: string, labels: Record<string, string>, signal?: AbortSignal): Promise<void>;
  // ---- Additive (classroom): generic object access for the instructor's `class` verbs and the
  // learner's progress publisher. Objects go out and come back as plain JSON; every failure is a
  // ClusterError sentence (403 names the permission).
  /** One object as the server stores it, or undefined when it does not exist. */
  getObject?(ref: ObjectRef, signal?: AbortSignal): Promise<KubeObject | undefined>;
  /** One list request: a kind in one namespace, or across all namespaces when `namespace` is absent. */
  listObjects?(query: ListQuery, signal?: AbortSignal): Promise<KubeObject[]>;
  /**
   * Server-side apply exactly as given (no lesson labels added), field manager egress-tutorial,
   * forced (the caller has decided ownership already); one request per object.
   */
  applyObjects?(objects: KubeObject[], options?: { dryRun?: boolean; /** one request per object, result always 'configured' */ blind?: boolean; signal?: AbortSignal }): Promise<ApplyOutcome[]>;
  /** Delete by ref (whoever created it: the caller decided), waiting up to waitMs until gone. */
  deleteObjects?(refs: ObjectRef[], options?: { signal?: AbortSignal; waitMs?: number }): Promise<DeleteOutcome[]>;
  /** The TokenRequest API: a token for a ServiceAccount, valid expirationSeconds (the server may shorten it). */
  requestToken?(namespace: string, serviceAccount: string, options: { expirationSeconds: number; signal?: AbortSignal }): Promise<{ token: string; expiresAt?: string }>;
  /** How this connection reaches the API server (for kubeconfigs handed to others): never a credential. */
  clusterAccess?(): ClusterAccess;
  /**
   * C6: which of these objects (as the lesson's manifests write them) have live fields owned by
   * another field manager than the tutorial's, read from managedFields. Absent objects are skipped.
   */
  drift?(objects: KubeObject[], options: DriftOptions): Promise<Drift[]>;
  /**
   * Additive: the class settings in `namespace` (ConfigMap egress-tutorial-class), or undefined
   * when there is none or it cannot be read (403): a learner outside a class.
   */
  classSettings?(namespace: string, signal?: AbortSignal): Promise<ClassSettings | undefined>;
  /**
   * Additive: create or update shared objects (outside the learner's namespace) and record that
   * `learner` relies on them (annotation egress-tutorial.dev/used-by), safely when several
   * learners do it at once. Reset releases the claim (ManagedScope.shared).
   */
  claimShared?(objects: KubeObject[], learner: string, options: { lesson: string; step: string; signal?: AbortSignal }): Promise<ApplyOutcome[]>;
  /**
   * Additive: the learner's language for every sentence the port produces from now on (check
   * summaries and fixes, wait progress, conflict and error messages). Default 'en'.
   */
  setLang?(lang: Lang): void;
  close(): void;
}

export interface ListQuery {
  apiVersion: string; // e.g. 'v1', 'rbac.authorization.k8s.io/v1'
  kind: string;
  namespace?: string; // absent: all namespaces (or a cluster-scoped kind)
  labelSelector?: string;
}

export interface ClusterAccess {
  server: string;
  /** The kubeconfig's name for the cluster (the practice cluster is recognised by it). */
  clusterName: string;
  /** The CA bundle (PEM, base64 as in a kubeconfig's certificate-authority-data), when the context names one. */
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface MeshFacts {
  outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'unknown';
  accessLogging: 'on' | 'off' | 'unknown';
  egressGatewayPods: number;
  clientHasSidecar: boolean | 'unknown';
  /** Istio objects visible to the client namespace (own namespace + istio namespace), by kind. */
  objects: FactObject[];
  // ---- Additive (explainer) ----
  /** With `wide`: the Istio objects of every other namespace (empty when listing all namespaces is not allowed). */
  others?: FactObject[];
  /** With `wide`: true when some kind could not be listed across namespaces (`others` is then incomplete). */
  othersUnreadable?: boolean;
  /** Namespaces (of the client's and the Istio one) whose objects could not be read (RBAC). */
  unreadable?: string[];
  /** Mesh config's accessLogFile: set or not ('unknown' when the mesh config cannot be read). */
  meshAccessLog?: 'on' | 'off' | 'unknown';
  /** The gateway's pods (names and labels) and the client's. */
  gatewayPods?: { name: string; labels: Record<string, string> }[];
  clientPods?: { name: string; labels: Record<string, string>; ip?: string }[];
}

export interface FactObject {
  kind: string;
  name: string;
  namespace: string;
  spec: Record<string, unknown>;
  /** additive */
  labels?: Record<string, string>;
  /** additive: metadata.creationTimestamp (Istio orders conflicting objects by it) */
  created?: string;
}

/**
 * Every failure a port reports is a ClusterError: `message` is one sentence for the learner
 * naming the fix; it never carries a stack, a raw response body or a credential.
 */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly reason:
      | 'unreachable'
      | 'tls'
      | 'unauthorized'
      | 'forbidden'
      | 'not-found'
      | 'not-served'
      | 'conflict'
      | 'invalid'
      | 'throttled'
      | 'server'
      | 'timeout'
      /** An exec whose stream stayed open with no output and no exit status (not the command's own timeout). */
      | 'hung'
      | 'cancelled'
      | 'config'
      | 'other',
    readonly status?: number,
    /** Additive: the sentence in both languages, so a language switch re-renders it (issue 12 item 9). */
    readonly messages?: { en: string; zh: string },
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}
