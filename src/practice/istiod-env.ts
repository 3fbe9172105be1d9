// istiod's feature switches are environment variables of its discovery container; an install
// option (the ambient profile, alpha Gateway API) sets or removes one.
import type { Api } from './api.js';

const ISTIO_NAMESPACE = 'istio-system';

/** Sets (or, with undefined, removes) an env var of istiod's discovery container; writes only on a change. */
export function setIstiodEnv(api: Api, name: string, value: string | undefined): void {
  const deployRes = api.registry.byKind('apps', 'Deployment');
  const istiod = deployRes ? api.store.get(deployRes, ISTIO_NAMESPACE, 'istiod') : undefined;
  if (!deployRes || !istiod) return;
  const next = structuredClone(istiod);
  const container = (((next.spec as Record<string, any>)?.template?.spec?.containers ?? []) as Record<string, unknown>[]).find((c) => c.name === 'discovery');
  if (!container) return;
  const env = ((container.env as { name: string; value?: string }[] | undefined) ?? []).filter((e) => e.name !== name);
  if (value !== undefined) env.push({ name, value });
  const had = JSON.stringify(container.env ?? []);
  if (env.length) container.env = env;
  else delete container.env;
  if (JSON.stringify(container.env ?? []) !== had) api.store.update(deployRes, next);
}
