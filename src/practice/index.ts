// The practice cluster: a Kubernetes API on loopback, in-process, with Istio's kinds validated
// against the real schemas (the Gateway API's too, per installed channel) and `exec` answered by the
// mesh model.

import { formatInvalid, gatewayApiCustomResourceDefinitions, gatewayApiKinds, istioCustomResourceDefinitions, istioKinds, validateCustomObject } from '../schema/index.js';
import { runCommand } from '../mesh/index.js';
import { startPracticeClusterWith } from './cluster.js';
import type { PracticeCluster, PracticeOptions } from './types.js';

export type { PracticeCluster, PracticeKnobs, PracticeOptions } from './types.js';
export { DEFAULT_KNOBS } from './knobs.js';
export { CONTEXT_NAME } from './kubeconfig.js';

export function startPracticeCluster(options?: PracticeOptions): Promise<PracticeCluster> {
  return startPracticeClusterWith(
    {
      istioKinds,
      schema: { validate: validateCustomObject, formatInvalid },
      crds: istioCustomResourceDefinitions,
      gatewayApi: { kinds: gatewayApiKinds, crds: gatewayApiCustomResourceDefinitions },
      runCommand,
    },
    options,
  );
}
