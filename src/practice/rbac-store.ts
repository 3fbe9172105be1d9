// The RBAC objects of the store as the authorizer's Policy, indexed once and rebuilt only after an
// RBAC object changes (every request is authorized, so it must not scan the store each time).

import { RBAC_GROUP, type Binding, type Policy, type RoleObject } from './rbac.js';
import type { KObject, Store } from './store.js';

const RES = {
  roles: { group: RBAC_GROUP, plural: 'roles' },
  clusterroles: { group: RBAC_GROUP, plural: 'clusterroles' },
  rolebindings: { group: RBAC_GROUP, plural: 'rolebindings' },
  clusterrolebindings: { group: RBAC_GROUP, plural: 'clusterrolebindings' },
};

interface Index {
  clusterRoleBindings: Binding[];
  roleBindings: Map<string, Binding[]>;
  clusterRoles: Map<string, RoleObject>;
  roles: Map<string, RoleObject>; // ns/name
}

export class StorePolicy implements Policy {
  private index: Index | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Store) {
    this.unsubscribe = store.subscribe((e) => {
      if (e.group === RBAC_GROUP) this.index = undefined;
    });
  }

  /** After the store was restored from a snapshot (no events then). */
  invalidate(): void {
    this.index = undefined;
  }

  dispose(): void {
    this.unsubscribe();
  }

  clusterRoleBindings(): Binding[] {
    return this.build().clusterRoleBindings;
  }

  roleBindings(namespace: string): Binding[] {
    return this.build().roleBindings.get(namespace) ?? [];
  }

  clusterRole(name: string): RoleObject | undefined {
    return this.build().clusterRoles.get(name);
  }

  role(namespace: string, name: string): RoleObject | undefined {
    return this.build().roles.get(`${namespace}/${name}`);
  }

  private build(): Index {
    if (this.index) return this.index;
    const asBinding = (o: KObject): Binding => o as unknown as Binding;
    const asRole = (o: KObject): RoleObject => o as unknown as RoleObject;
    const roleBindings = new Map<string, Binding[]>();
    for (const b of this.store.list(RES.rolebindings)) {
      const ns = b.metadata.namespace ?? '';
      roleBindings.set(ns, [...(roleBindings.get(ns) ?? []), asBinding(b)]);
    }
    this.index = {
      clusterRoleBindings: this.store.list(RES.clusterrolebindings).map(asBinding),
      roleBindings,
      clusterRoles: new Map(this.store.list(RES.clusterroles).map((r) => [r.metadata.name, asRole(r)])),
      roles: new Map(this.store.list(RES.roles).map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, asRole(r)])),
    };
    return this.index;
  }
}
