// Knob defaults: a kind cluster with Istio's demo profile, everything healthy.

import type { PracticeKnobs } from './types.js';

export const DEFAULT_KNOBS: PracticeKnobs = {
  egressGateway: true,
  accessLog: true,
  outboundPolicy: 'ALLOW_ANY',
  injection: true,
  cni: 'calico',
  ambient: false,
  gatewayApi: 'experimental',
  alphaGatewayApi: true,
  podReadyDelayMs: 1500,
  faultRate: 0,
  faultStatus: 500,
  cutLogStreamsAfterMs: undefined,
  hangExec: false,
  foreignEdit: undefined,
  deny: [],
};

export function mergeKnobs(base: PracticeKnobs, patch: Partial<PracticeKnobs> | undefined): PracticeKnobs {
  const out: PracticeKnobs = { ...base, deny: [...base.deny] };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v !== undefined || k === 'cutLogStreamsAfterMs' || k === 'foreignEdit') (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
