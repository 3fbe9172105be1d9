// The clusterrole-aggregation controller: a ClusterRole with an aggregationRule gets the rules of
// every other ClusterRole its label selectors match (admin, edit and view are built this way, and
// a ClusterRole labelled `rbac.authorization.k8s.io/aggregate-to-edit: "true"` extends edit).

import type { Api } from './api.js';
import { deepEqual } from './patch.js';
import { RBAC_GROUP, type PolicyRule } from './rbac.js';
import { matchesLabelSelectorObject } from './selectors.js';
import type { KObject, Store } from './store.js';
import { StoreController } from './store-controller.js';

type Selector = Parameters<typeof matchesLabelSelectorObject>[0];

const MANAGER = 'clusterrole-aggregation-controller';

function selects(selector: Selector, labels: Record<string, string> | undefined): boolean {
  if (selector && !selector.matchLabels && !selector.matchExpressions) return true; // {} selects everything
  return matchesLabelSelectorObject(selector, labels);
}

/** The rules an aggregated ClusterRole should have: its sources' rules, by name, without repeats. */
export function aggregatedRules(role: KObject, all: KObject[]): PolicyRule[] {
  const selectors = ((role.aggregationRule as { clusterRoleSelectors?: Selector[] } | undefined)?.clusterRoleSelectors ?? []).filter(Boolean);
  const out: PolicyRule[] = [];
  const sources = all.filter((o) => o.metadata.name !== role.metadata.name && selectors.some((s) => selects(s, o.metadata.labels))).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const src of sources) for (const r of (src.rules as PolicyRule[] | undefined) ?? []) if (!out.some((x) => deepEqual(x, r))) out.push(r);
  return out;
}

export class ClusterRoleAggregator extends StoreController {
  constructor(private readonly api: Api, private readonly store: Store) {
    super(store, (e) => e.group === RBAC_GROUP && e.plural === 'clusterroles');
  }

  /** Brings every aggregated ClusterRole up to date now. */
  reconcile(): void {
    const res = this.api.registry.byKind(RBAC_GROUP, 'ClusterRole');
    if (!res) return;
    const all = this.store.list(res);
    for (const role of all.filter((r) => r.aggregationRule)) {
      const rules = aggregatedRules(role, all);
      if (deepEqual(rules, role.rules ?? [])) continue;
      this.api.patch({ res, version: 'v1', name: role.metadata.name }, Buffer.from(JSON.stringify({ rules })), 'application/merge-patch+json', { dryRun: false, fieldManager: MANAGER });
    }
  }
}
