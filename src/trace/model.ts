// The request trace: one request's path, hop by hop, each hop lit by the access-log line that
// proves it or dim with the reason there is none. Plain data, language-free: the layout words it.

import type { FactObject, LogLine, MeshFacts } from '../cluster/port.js';

export type HopId = 'client' | 'sidecar' | 'gateway' | 'external';

/** Why a hop has no evidence. */
export type NoEvidence =
  /** No line of this request in what was followed (yet, or it is older than the window). */
  | 'no-line'
  /** The proxy's access log is off (mesh config or a Telemetry), so it cannot prove anything. */
  | 'log-off'
  /** The sidecar sent the request somewhere else than the egress gateway. */
  | 'bypassed'
  /** An earlier hop ended the request (a local reply, a reset, no route): it never got here. */
  | 'not-reached'
  /** The client pod has no sidecar: nothing captured the request. */
  | 'no-sidecar'
  /** Still following the logs: the line may arrive (Envoy writes its log every second). */
  | 'waiting'
  /** A planned path (an explain step's picture): no request was sent yet. */
  | 'planned';

/** An Istio (or Kubernetes Gateway API) object that made a hop's decision, and which part of it. */
export interface Decider {
  kind: 'VirtualService' | 'DestinationRule' | 'Gateway' | 'ServiceEntry' | 'Sidecar' | 'MeshConfig' | 'HTTPRoute' | 'TLSRoute' | 'AuthorizationPolicy';
  /** `gateway.networking.k8s.io` for the Gateway API's objects (a Gateway of class istio, its routes); absent for Istio's. */
  group?: string;
  name: string;
  namespace?: string;
  /**
   * Which part decided: `http[0]`, `tls[1]`, `subset cnn`, `server 80/HTTP`, `resolution DNS`, `ALLOW_ANY`;
   * the Gateway API's `rules[0]` (an HTTPRoute's or TLSRoute's rule), `listener http 80/HTTP`.
   */
  part?: string;
  /** A Gateway on a shared gateway: the other Gateways (ns/name) claiming the same host and port, which lose it (IST0145). */
  also?: string[];
  /** With `also`: the host and port they all claim (`httpbin.org:80`). */
  claim?: string;
  /** A Gateway on a shared gateway whose other namespaces could not be listed: one of theirs may be the one answering. */
  mayBeOther?: boolean;
}

/** What turned a proxy's access log off: a Telemetry (the last layer that said so), or mesh config without accessLogFile. */
export type LogOffBy = { kind: 'Telemetry'; name: string; namespace: string } | { kind: 'MeshConfig' };

/** The access-log fields a hop shows (the line itself is kept whole for the learner). */
export interface HopFields {
  responseCode?: number;
  responseFlags?: string;
  responseCodeDetails?: string;
  routeName?: string;
  upstreamCluster?: string;
  upstreamHost?: string;
  bytesReceived?: number;
  bytesSent?: number;
  durationMs?: number;
  protocol?: string;
  sni?: string;
  authority?: string;
}

export interface Hop {
  id: HopId;
  /** The pod (client, sidecar, gateway) or the host (external). */
  name: string;
  lit: boolean;
  /** When not lit: why. */
  why?: NoEvidence;
  /** With why 'log-off', when the objects say so: what turned this proxy's log off. */
  logOffBy?: LogOffBy;
  /** The proof: the proxy's access-log line (sidecar and gateway hops). */
  line?: LogLine;
  fields?: HopFields;
  /** The objects that decided where this hop sent the request. */
  decidedBy: Decider[];
}

export type JoinedBy = 'request-id' | 'address' | 'time';

export interface Trace {
  protocol: 'http' | 'tls';
  host?: string;
  requestId?: string;
  clientPod?: string;
  clientIp?: string;
  /** The client namespace: objects there are named without it. */
  clientNamespace?: string;
  /** How the gateway's line was tied to the sidecar's (x-request-id; the sidecar's source address; time and SNI). */
  joinedBy?: JoinedBy;
  /** What the client got: `HTTP 200`, `curl exit 35`. */
  outcome?: string;
  hops: Hop[];
  /** False while the logs are still being followed. */
  settled: boolean;
  /** The lesson's path before any request (an explain step's diagram): every hop dim, its objects named. */
  planned?: boolean;
  /** Gateway API objects were read: a hop no object decided says neither kind matched. */
  gatewayApi?: boolean;
}

/** The request as the engine recorded it. */
export interface TraceRequest {
  requestId?: string;
  clientPod?: string;
  clientIp?: string;
  host?: string;
  /** The URL's port (80 for http, 443 for https unless given). */
  port?: number;
  tls: boolean;
  startedAt: number;
  finishedAt?: number;
  outcome?: string;
}

export interface TraceInput {
  request: TraceRequest;
  /** Lines from the client's sidecar follow (they may include other pods' lines: never joined). */
  sidecarLines: LogLine[];
  /** Lines from the egress gateway follow (every learner's traffic on a shared gateway). */
  gatewayLines: LogLine[];
  /** The Istio objects the client namespace can see, and what is known about logging. */
  facts?: Pick<MeshFacts, 'objects' | 'accessLogging' | 'clientHasSidecar' | 'outboundPolicy'> &
    Partial<Pick<MeshFacts, 'meshAccessLog' | 'unreadable' | 'clientPods' | 'gatewayPods' | 'others' | 'othersUnreadable'>>;
  /** Mesh config's root namespace, where a Telemetry reaches every proxy (default: istio-system). */
  istioNamespace?: string;
  /** The namespace of the gateway pods (istio-system, or the learner's own). */
  gatewayNamespace: string;
  /** The gateway followed, named when it is not the course's egress gateway (`cnn-egress-gateway-istio`): a dim hop says which. */
  gatewayName?: string;
  /** The Gateway API objects (Gateways, HTTPRoutes, TLSRoutes) the client namespace holds, when they could be read. */
  gatewayApi?: FactObject[];
  clientNamespace: string;
  settled: boolean;
  /** Clock slack between this machine and the proxies, ms (default 2000). */
  slackMs?: number;
}
