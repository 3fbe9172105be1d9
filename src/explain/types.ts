// The configuration explainer's contract: a pure function of the Istio objects a client can see,
// the mesh settings, the request and what Envoy logged for it. No cluster calls: the engine
// gathers the input through the port, the drill tests build it from the practice cluster.

import type { Localized, ObjectRef } from '../lesson/model.js';
import type { AccessLogFields } from '../verify/access-log.js';
import type { CurlOutcome } from '../verify/curl.js';
import type { FixPatch } from './patch.js';

export interface ExplainObject {
  kind: string; // ServiceEntry, Gateway, VirtualService, DestinationRule, Sidecar, Telemetry
  name: string;
  namespace: string;
  spec: Record<string, unknown>;
  /** metadata.creationTimestamp: Istio orders conflicting objects by it. */
  created?: string;
  labels?: Record<string, string>;
}

export interface ExplainInput {
  /** Every Istio object the client namespace can see that could be read (its own, the Istio namespace's, others' when listing all was allowed). */
  objects: ExplainObject[];
  /** Namespaces whose objects could not be read (RBAC): nothing there is said to be missing. */
  unreadable?: string[];
  clientNamespace: string;
  istioNamespace: string;
  /** The client's outbound policy as resolved (Sidecar, else mesh config). */
  outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'unknown';
  /** Mesh config's accessLogFile: set ('on') or not ('off'); Telemetry objects layer over it. */
  meshAccessLog?: 'on' | 'off' | 'unknown';
  gateway: {
    namespace: string;
    /** The gateway pods' labels (a Gateway's selector must be a subset of them). */
    labels: Record<string, string>;
    /** The gateway Service's host, e.g. istio-egressgateway.istio-system.svc.cluster.local. */
    host: string;
    pod?: string;
  };
  client?: { pod?: string; labels?: Record<string, string> };
  /** The lesson being verified: among several objects for one host, its own are the learner's. */
  lesson?: string;
  /** The request the verification sent. */
  request: { host: string; port: number; tls: boolean };
  curl?: CurlOutcome;
  clientLines?: AccessLogFields[];
  gatewayLines?: AccessLogFields[];
  /** Whether the gateway's log was followed for this request (a logs step, a drill): only then is a missing line evidence. */
  gatewayLogFollowed?: boolean;
  /**
   * Ambient mode, additive: the log followed was this waypoint's (a Gateway of class
   * istio-waypoint), not the egress gateway's; `gatewayLines` are its lines.
   */
  waypoint?: { namespace: string; name: string };
}

/** What istioctl analyze would call it, when it has a name for it. */
export type AnalyzerCode = 'IST0101' | 'IST0109' | 'IST0132' | 'IST0145';

export type FindingId =
  | 'registry-only-no-service-entry'
  | 'mesh-virtualservice-conflict'
  | 'subset-not-found'
  | 'destinationrule-hidden'
  | 'destinationrule-elsewhere'
  | 'destinationrule-missing'
  | 'gateway-port-mismatch'
  | 'gateway-not-found'
  | 'virtualservice-hidden-from-gateway'
  | 'host-not-in-gateway'
  | 'sni-not-matched'
  | 'mtls-sni-not-matched'
  | 'mtls-missing'
  | 'conflicting-gateways'
  | 'access-log-off'
  | 'waypoint-not-used';

export interface Finding {
  id: FindingId;
  code?: AnalyzerCode;
  /** The object at fault and the field, as kubectl explain names it. */
  ref: ObjectRef;
  field: string;
  /** What is wrong with it. */
  problem: Localized;
  /** What Envoy did because of it: the proxy, its response code and flags, the route and cluster seen. */
  effect: Localized;
  /** The one change that fixes it, in words; `patch` is the same change as data, when the tutorial can make it. */
  fix: Localized;
  patch?: FixPatch;
  /** The commands that show the same on a real cluster. */
  istioctl: string[];
}
