// The seed's manifests (test/fixtures/seed.ts), plus a Sidecar and a Telemetry the lessons add,
// as the schema tests use them.
import { SEED_APPLY_BLOCKS } from '../fixtures/seed.js';

const EXTRAS = `
apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata:
  name: default
spec:
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: mesh-default
  namespace: istio-system
spec:
  accessLogging:
  - providers:
    - name: envoy
`;

export const SEED_YAML = [...SEED_APPLY_BLOCKS, EXTRAS].join('\n---\n');
