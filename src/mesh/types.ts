// The mesh model's contract: pure functions that decide what a command run in a pod of the
// practice cluster prints, and which Envoy access-log lines it leaves, from the Istio objects and
// mesh config, as Istio would. No I/O: the practice server builds a MeshState from its store.

export interface IstioObject {
  kind: 'ServiceEntry' | 'Gateway' | 'VirtualService' | 'DestinationRule' | 'Sidecar' | 'Telemetry' | 'AuthorizationPolicy';
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
  /** metadata.creationTimestamp (RFC 3339): Istio orders conflicting objects by it, oldest first. */
  created?: string;
  /** metadata.labels (ambient reads istio.io/use-waypoint from them). */
  labels?: Record<string, string>;
  /** Derived by istiod from a Gateway API object (never stored): which one, and for a Gateway its listener. */
  generatedFrom?: { kind: string; namespace: string; name: string; listener?: string };
  /** A Gateway that selects gateway pods of its own namespace only (istiod's for a Gateway API Gateway). */
  scopedToNamespace?: boolean;
}

export interface MeshPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  /** An injected sidecar that captures the pod's traffic (not a gateway's router-mode proxy). */
  hasSidecar: boolean;
  ready: boolean;
  /**
   * A gateway pod: its istio-proxy runs in router mode (`proxy router`), captures nothing and
   * listens on the ports the Gateways selecting it declare. When absent, a pod labelled
   * istio=egressgateway in the Istio namespace is one.
   */
  gateway?: boolean;
  /**
   * Captured by ztunnel (ambient mode): the namespace is labelled istio.io/dataplane-mode=ambient,
   * the pod has no sidecar and does not opt out, and ztunnel runs. Its connections leave ztunnel
   * log lines instead of sidecar lines.
   */
  ambient?: boolean;
  /** spec.serviceAccountName (default "default"): the SPIFFE identity ztunnel logs. */
  serviceAccount?: string;
  /** A node proxy (ztunnel), not a workload: it writes ztunnel's own log lines. */
  ztunnel?: boolean;
  /**
   * A waypoint: the Envoy istiod deploys for a Gateway of class istio-waypoint (`proxy waypoint`);
   * the value is that Gateway's name (label gateway.networking.k8s.io/gateway-name).
   */
  waypoint?: string;
}

export interface MeshState {
  istioNamespace: string; // usually istio-system
  meshConfig: {
    outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
    accessLogFile?: string; // "/dev/stdout" when on
    accessLogEncoding?: 'TEXT' | 'JSON';
    /** defaultVirtualServiceExportTo etc.: already applied to `objects` by whoever built the state. */
    exportDefaults?: { virtualService?: string[]; serviceEntry?: string[]; destinationRule?: string[] };
  };
  objects: IstioObject[]; // every Istio object in the cluster
  pods: MeshPod[]; // client pods and gateway pods (MeshPod.gateway), in any namespace
  /** Services, e.g. istio-egressgateway.istio-system (80→8080, 443→8443) or a learner's egressgateway.NS (80→80, 443→443). */
  services: MeshService[];
  /** Kubernetes NetworkPolicies (networking.k8s.io/v1), applied when the CNI enforces them. */
  networkPolicies?: NetworkPolicyObject[];
  /** Whether the cluster's CNI enforces NetworkPolicy (Calico, Cilium do; kindnet does not). */
  networkPolicyEnforced?: boolean;
  /** Namespaces with their labels (NetworkPolicy namespaceSelectors read them). */
  namespaces?: { name: string; labels: Record<string, string> }[];
  /** Secrets with a certificate (tls.crt or cert), decoded: what a gateway's SDS serves for a credentialName. */
  secrets?: MeshSecret[];
}

export interface MeshSecret {
  namespace: string;
  name: string;
  data: Record<string, string>;
}

export interface NetworkPolicyObject {
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
}

export interface MeshService {
  namespace: string;
  name: string;
  ports: { port: number; targetPort: number; name?: string }[];
  selector: Record<string, string>;
  /** Optional: the model derives a stable 10.96.x.x address when absent. */
  clusterIP?: string;
}

export interface AccessLogRecord {
  namespace: string;
  pod: string;
  container: 'istio-proxy';
  line: string; // one line in Istio's default text format (or JSON when accessLogEncoding is JSON)
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  accessLog: AccessLogRecord[];
}

export interface CommandContext {
  state: MeshState;
  pod: MeshPod; // where the command runs
  container: string;
  argv: string[];
  now: Date;
  /** Deterministic request ids and ports in tests. */
  random?: () => number;
  /** Optional: what the exec session sent on stdin (`kubectl exec -i ... -- sh < script`), read by sh and cat. */
  stdin?: string;
}
