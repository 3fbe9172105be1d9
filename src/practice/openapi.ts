// /openapi/v3: just enough for kubectl. kubectl's validation asks the v3 document of a
// group-version whether the PATCH operation of a kind takes `fieldValidation` (then the server
// validates, which we do); without /openapi/v3 or /openapi/v2 it refuses to apply at all.
// We do not list strategic-merge-patch bodies, so client-side apply uses its built-in scheme.

import { createHash } from 'node:crypto';
import { joinApiVersion, type ResourceInfo, type ResourceRegistry } from './resources.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : 'api/v1';
}

export function openApiV3Index(registry: ResourceRegistry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const p = gvPath(g.name, v);
      const hash = createHash('sha512').update(JSON.stringify(openApiV3Doc(registry, g.name, v))).digest('hex').slice(0, 128).toUpperCase();
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'];

function patchOperation(r: ResourceInfo, version: string): Record<string, unknown> {
  return {
    tags: [`${r.group || 'core'}_${version}`],
    description: `partially update the specified ${r.kind}`,
    operationId: `patch${r.kind}`,
    parameters: QUERY_PARAMS.map((name) => ({ name, in: 'query', description: name, schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } })),
    requestBody: {
      content: {
        'application/apply-patch+yaml': { schema: { type: 'object' } },
        'application/json-patch+json': { schema: { type: 'object' } },
        'application/merge-patch+json': { schema: { type: 'object' } },
      },
      required: true,
    },
    responses: { '200': { description: 'OK' }, '201': { description: 'Created' }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: r.group, version, kind: r.kind },
  };
}

export function openApiV3Doc(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const resources = registry.inGroupVersion(group, version).filter((r) => r.verbs.includes('patch'));
  if (registry.inGroupVersion(group, version).length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const base = group ? `/apis/${group}/${version}` : '/api/v1';
  for (const r of resources) {
    const path = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}/{name}` : `${base}/${r.plural}/{name}`;
    paths[path] = {
      parameters: [
        { name: 'name', in: 'path', required: true, description: `name of the ${r.kind}`, schema: { type: 'string', uniqueItems: true } },
        ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, description: 'object name and auth scope, such as for teams and projects', schema: { type: 'string', uniqueItems: true } }] : []),
      ],
      patch: patchOperation(r, version),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.2' },
    paths,
    components: { schemas: {} },
    'x-practice-group-version': joinApiVersion(group, version),
  };
}
