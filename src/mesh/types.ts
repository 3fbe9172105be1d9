// The mesh model's contract: pure functions that decide what a command run in a pod of the
// practice cluster prints, and which Envoy access-log lines it leaves, from the Istio objects and
// mesh config, as Istio would. No I/O: the practice server builds a MeshState from its store.

export interface IstioObject {
  kind: 'ServiceEntry' | 'Gateway' | 'VirtualService' | 'DestinationRule' | 'Sidecar' | 'Telemetry';
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
}

export interface MeshPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  hasSidecar: boolean;
  ready: boolean;
}

export interface MeshState {
  istioNamespace: string; // usually istio-system
  meshConfig: {
    outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
    accessLogFile?: string; // "/dev/stdout" when on
    accessLogEncoding?: 'TEXT' | 'JSON';
  };
  objects: IstioObject[]; // every Istio object in the cluster
  pods: MeshPod[]; // the egress gateway's pods are those labelled istio=egressgateway in istioNamespace
  /** Services by FQDN, e.g. istio-egressgateway.istio-system.svc.cluster.local → ports 80→8080, 443→8443. */
  services: MeshService[];
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
