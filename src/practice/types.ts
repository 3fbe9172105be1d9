// The practice cluster's contract: a Kubernetes API served on loopback, in-process.

export interface PracticeKnobs {
  egressGateway: boolean; // the istio-egressgateway deployment, service and pods exist
  accessLog: boolean; // mesh config accessLogFile: /dev/stdout
  outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  injection: boolean; // the default namespace is labelled istio-injection=enabled
  podReadyDelayMs: number; // a new pod becomes Running and Ready after this
  /**
   * Graceful termination: a deleted pod stays Terminating (not Ready, still logging) this long
   * before it is gone, and its replica set replaces it at once. 0 (default): deleted at once.
   */
  podTerminationGraceMs?: number;
  faultRate: number; // share (0..1) of API requests answered with faultStatus
  faultStatus: 500 | 429;
  /** The Retry-After (seconds) a faulted 429 carries (default 1). */
  faultRetryAfterSeconds?: number;
  cutLogStreamsAfterMs?: number; // follow log streams end after this
  hangExec: boolean; // exec sessions never complete
  /**
   * A learner (or a controller) edits a tutorial object mid-step: right after the next
   * server-side apply of `kind`/`name` by the tutorial's field manager, the object is changed with
   * this JSON merge patch as field manager `manager` (default "kubectl-patch"), like
   * `kubectl patch --type=merge`. Fires once per setKnobs.
   */
  foreignEdit?: { kind: string; name: string; namespace?: string; manager?: string; patch: Record<string, unknown>; delayMs?: number };
  /**
   * The cluster's CNI, as a DaemonSet in kube-system: `calico` (calico-node) enforces
   * NetworkPolicy, `kindnet` (kind's default) does not. Default calico.
   */
  cni?: 'calico' | 'kindnet';
  /**
   * Istio installed with the ambient profile (`istioctl install --set profile=ambient` on top of
   * the demo profile's gateways): the ztunnel and istio-cni-node DaemonSets in istio-system, istiod
   * with PILOT_ENABLE_AMBIENT. Pods of namespaces labelled istio.io/dataplane-mode=ambient are
   * captured by ztunnel. Default false (sidecar only).
   */
  ambient?: boolean;
  /**
   * The Gateway API CRDs installed: `standard` (Gateway, HTTPRoute, ...) or `experimental` (adds
   * TLSRoute, TCPRoute, ...), as upstream's standard-install.yaml / experimental-install.yaml;
   * `none` as on a fresh kind cluster. Default experimental.
   */
  gatewayApi?: 'none' | 'standard' | 'experimental';
  /**
   * meshConfig.defaultVirtualServiceExportTo: ["."], as `istioctl install --set
   * meshConfig.defaultVirtualServiceExportTo[0]=.` sets it: routes without exportTo (istiod's from
   * HTTPRoutes too) stay in their namespace. A class on one cluster needs it for the gateway-api track.
   */
  privateRoutes?: boolean;
  /** istiod's PILOT_ENABLE_ALPHA_GATEWAY_API (TLSRoute needs it). Default true. */
  alphaGatewayApi?: boolean;
  /** RBAC denial: SelfSubjectAccessReview says no and the API answers 403 for these. */
  deny: { verb: string; group: string; resource: string }[];
}

export interface PracticeOptions {
  host?: string; // default 127.0.0.1 (loopback only)
  port?: number; // default 0: random
  knobs?: Partial<PracticeKnobs>;
  /** Save state here on change and load it at start, so a restart resumes. */
  stateFile?: string;
}

export interface PracticeCluster {
  url: string; // e.g. https://127.0.0.1:43121 or http://127.0.0.1:43121
  token: string; // random bearer token
  contextName: string; // "egress-tutorial-practice"
  /** A kubeconfig (YAML) that kubectl and client-node accept without extra flags. */
  kubeconfig(): string;
  /** Write the kubeconfig with mode 0600; returns the path. */
  writeKubeconfig(path: string): Promise<string>;
  knobs(): PracticeKnobs;
  /** Requests served since start (or since resetRequestCounts): API load figures for benches and tests. */
  requestCounts(): RequestCounts;
  resetRequestCounts(): void;
  setKnobs(knobs: Partial<PracticeKnobs>): void;
  stop(): Promise<void>;
}

export interface RequestCounts {
  total: number; // every authenticated request, faulted ones included
  /** By "VERB resource" ("GET pods", "PATCH virtualservices", "POST selfsubjectaccessreviews", "GET discovery"). */
  byKind: Record<string, number>;
  faulted: number;
}
