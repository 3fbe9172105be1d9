// API discovery: which versions of a group are served and how a kind maps to its resource path.
// Answers are cached for the life of the port (forget() drops them, e.g. after installing CRDs).

import { INSTALL_EXPERIMENTAL } from './preflight-gateway-api.js';
import { ClusterError } from '../port.js';
import { say } from './lang.js';
import type { KubeRest } from './rest.js';
import { chooseVersion, pickApiVersion, splitApiVersion } from './versions.js';

export interface GroupInfo {
  versions: string[];
  preferred?: string;
}

export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  verbs: string[];
}

interface ApiGroupList {
  groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[];
}
interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

function groupMap(list: ApiGroupList): Map<string, GroupInfo> {
  const map = new Map<string, GroupInfo>([['', { versions: ['v1'], preferred: 'v1' }]]);
  for (const g of list.groups ?? []) {
    map.set(g.name, { versions: (g.versions ?? []).map((v) => v.version), preferred: g.preferredVersion?.version });
  }
  return map;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/**
 * Kinds every conformant Kubernetes serves under these names (core v1 and apps/v1 since 1.16):
 * no discovery request is needed to find them.
 */
const BUILT_IN: readonly ResourceInfo[] = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, verbs: ALL_VERBS },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true, verbs: ALL_VERBS },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, verbs: ALL_VERBS },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, verbs: ALL_VERBS },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, verbs: ALL_VERBS },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true, verbs: ALL_VERBS },
];

/** An answer that lacks what was asked for is asked again after this long (Istio may have been installed meanwhile). */
const STALE_MS = 5000;

export class Discovery {
  private groups?: Promise<Map<string, GroupInfo>>;
  private groupsAt = 0;
  private readonly resources = new Map<string, Promise<ResourceInfo[] | undefined>>();
  private readonly resourcesAt = new Map<string, number>();

  constructor(
    private readonly rest: KubeRest,
    private readonly now: () => number = Date.now,
  ) {}

  forget(): void {
    this.groups = undefined;
    this.resources.clear();
  }

  /** The answer to a GET /apis already sent (the connection's credentials probe): not asked again. */
  seedGroups(body: string): void {
    try {
      this.groups = Promise.resolve(groupMap(JSON.parse(body) as ApiGroupList));
      this.groupsAt = this.now();
    } catch {
      // not a group list: discovery asks for itself
    }
  }

  /** Every served group ('' is the core group) with its versions. */
  allGroups(signal?: AbortSignal): Promise<Map<string, GroupInfo>> {
    if (!this.groups) {
      const loading = this.rest
        .json<ApiGroupList>({ method: 'GET', path: '/apis', signal, action: say(this.rest.where.lang, 'discover the API groups', '发现 API 组') })
        .then(groupMap);
      // A failed discovery must not be cached: the next call tries again.
      loading.catch(() => {
        if (this.groups === loading) this.groups = undefined;
      });
      this.groups = loading;
      this.groupsAt = this.now();
    }
    return this.groups;
  }

  async group(group: string, signal?: AbortSignal): Promise<GroupInfo | undefined> {
    const found = (await this.allGroups(signal)).get(group);
    if (found || this.now() - this.groupsAt < STALE_MS) return found;
    this.groups = undefined;
    return (await this.allGroups(signal)).get(group);
  }

  /** The version of `group` manifests should use (v1 preferred), or undefined when not served. */
  async servedVersion(group: string, signal?: AbortSignal): Promise<string | undefined> {
    const info = await this.group(group, signal);
    return info ? chooseVersion(info.versions, info.preferred) : undefined;
  }

  /** The apiVersion to send for an authored one, or undefined when its group is not served. */
  async apiVersionFor(authored: string, signal?: AbortSignal): Promise<string | undefined> {
    const info = await this.group(splitApiVersion(authored).group, signal);
    return info ? pickApiVersion(authored, info.versions, info.preferred) : undefined;
  }

  private resourceList(apiVersion: string, signal?: AbortSignal): Promise<ResourceInfo[] | undefined> {
    let cached = this.resources.get(apiVersion);
    if (!cached) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      cached = this.rest
        .jsonOrAbsent<ApiResourceList>({ method: 'GET', path, signal, action: say(this.rest.where.lang, `discover the resources of ${apiVersion}`, `发现 ${apiVersion} 的资源`) })
        .then((list) =>
          list
            ? (list.resources ?? [])
                .filter((r) => !r.name.includes('/')) // subresources such as pods/log
                .map((r) => ({ apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] }))
            : undefined,
        );
      const loading = cached;
      loading.catch(() => {
        if (this.resources.get(apiVersion) === loading) this.resources.delete(apiVersion);
      });
      this.resources.set(apiVersion, cached);
      this.resourcesAt.set(apiVersion, this.now());
    }
    return cached;
  }

  /** How `kind` of `apiVersion` is served, or undefined. */
  async resource(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ResourceInfo | undefined> {
    const builtIn = BUILT_IN.find((r) => r.apiVersion === apiVersion && r.kind === kind);
    if (builtIn) return { ...builtIn, verbs: [...builtIn.verbs] };
    const found = (await this.resourceList(apiVersion, signal))?.find((r) => r.kind === kind);
    if (found || this.now() - (this.resourcesAt.get(apiVersion) ?? 0) < STALE_MS) return found;
    this.resources.delete(apiVersion);
    return (await this.resourceList(apiVersion, signal))?.find((r) => r.kind === kind);
  }

  /**
   * The served form of an authored apiVersion + kind; a ClusterError ('not-served') naming what to
   * install when the cluster does not know it.
   */
  async resolve(authoredApiVersion: string, kind: string, signal?: AbortSignal): Promise<ResourceInfo> {
    const apiVersion = await this.apiVersionFor(authoredApiVersion, signal);
    const resource = apiVersion ? await this.resource(apiVersion, kind, signal) : undefined;
    if (!resource) {
      const { group } = splitApiVersion(authoredApiVersion);
      const lang = this.rest.where.lang;
      const istio = group.endsWith('istio.io');
      const served = `${group || 'core'}${apiVersion ? ` ${splitApiVersion(apiVersion).version}` : ''}`;
      const gatewayApi = group === 'gateway.networking.k8s.io';
      const hint = istio
        ? "install Istio (istioctl install --set profile=demo) so that its CRDs are served"
        : gatewayApi
          ? `install the Gateway API CRDs (${INSTALL_EXPERIMENTAL}; on the practice cluster: egress-tutorial practice --gateway-api experimental)`
          : `check the apiVersion (${authoredApiVersion}) and the cluster's Kubernetes version`;
      const hintZh = istio
        ? '请安装 Istio（istioctl install --set profile=demo），让集群提供它的 CRD'
        : gatewayApi
          ? `请安装 Gateway API 的 CRD（${INSTALL_EXPERIMENTAL}；练习集群上：egress-tutorial practice --gateway-api experimental）`
          : `请检查 apiVersion（${authoredApiVersion}）和集群的 Kubernetes 版本`;
      throw new ClusterError(
        say(
          lang,
          `The cluster of context "${this.rest.where.context}" does not serve ${kind} (${served}): ${hint}.`,
          `上下文 "${this.rest.where.context}" 的集群不提供 ${kind}（${served}）：${hintZh}。`,
        ),
        'not-served',
        404,
      );
    }
    return resource;
  }
}

/** The URL path of a resource collection or of one object. */
export function resourcePath(resource: Pick<ResourceInfo, 'apiVersion' | 'plural' | 'namespaced'>, namespace?: string, name?: string): string {
  const root = resource.apiVersion.includes('/') ? `/apis/${resource.apiVersion}` : `/api/${resource.apiVersion}`;
  const ns = resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${resource.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}
