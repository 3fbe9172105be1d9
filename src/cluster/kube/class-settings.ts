// The class settings of a learner namespace (ConfigMap egress-tutorial-class, written by
// `egress-tutorial class setup`, contract C3). A learner outside a class has none, and a learner
// may not be allowed to read it: both mean "no class settings", never an error.

import type { GatewayMode } from '../../lesson/model.js';
import { CLASS_CONFIGMAP, ClusterError, type ClassSettings } from '../port.js';
import { say } from './lang.js';
import type { Reads } from './reads.js';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The settings a ConfigMap's data holds; values that are not valid are left out. Pure. */
export function parseClassSettings(data: Record<string, string> | undefined): ClassSettings {
  const out: ClassSettings = {};
  const gateway = data?.gateway?.trim();
  if (gateway === 'own' || gateway === 'shared') out.gateway = gateway as GatewayMode;
  const istio = data?.istioNamespace?.trim();
  if (istio && NAMESPACE.test(istio)) out.istioNamespace = istio;
  if (data?.class?.trim()) out.class = data.class.trim();
  return out;
}

export async function readClassSettings(r: Reads, namespace: string, signal?: AbortSignal): Promise<ClassSettings | undefined> {
  let response;
  try {
    response = await r.rest.sendWithRetry({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${CLASS_CONFIGMAP}`,
      signal,
      action: say(r.rest.where.lang, `read the class settings (ConfigMap "${CLASS_CONFIGMAP}" in "${namespace}")`, `读取课堂设置（"${namespace}" 中的 ConfigMap "${CLASS_CONFIGMAP}"）`),
    });
  } catch (err) {
    if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
    return undefined;
  }
  // Absent (404), not readable (401/403) or anything else: a class setting is a convenience, never a blocker.
  if (response.status < 200 || response.status > 299) return undefined;
  try {
    return parseClassSettings((JSON.parse(response.text) as { data?: Record<string, string> }).data);
  } catch {
    return undefined;
  }
}
