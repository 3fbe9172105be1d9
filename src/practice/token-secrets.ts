// The legacy token controller: a Secret of type kubernetes.io/service-account-token naming a
// ServiceAccount in its annotation gets `token`, `ca.crt` and `namespace` filled in, as
// kube-controller-manager does; that token never expires and dies with the Secret.

import type { Api } from './api.js';
import type { Store } from './store.js';
import { StoreController } from './store-controller.js';
import { API_AUDIENCE, type TokenRegistry } from './tokens.js';

const TYPE = 'kubernetes.io/service-account-token';
const NAME_ANNOTATION = 'kubernetes.io/service-account.name';
const UID_ANNOTATION = 'kubernetes.io/service-account.uid';
const SECRETS = { group: '', plural: 'secrets' };
const SERVICE_ACCOUNTS = { group: '', plural: 'serviceaccounts' };

export class TokenSecrets extends StoreController {
  constructor(
    private readonly api: Api,
    private readonly store: Store,
    private readonly tokens: TokenRegistry,
    private readonly caPem: string,
  ) {
    super(store, (e) => (e.group === '' && e.plural === 'secrets' && e.type !== 'DELETED') || (e.plural === 'serviceaccounts' && e.type === 'ADDED'));
  }

  /** Fills every token Secret still waiting for its token. */
  reconcile(): void {
    const res = this.api.registry.find('', 'v1', 'secrets');
    if (!res) return;
    for (const secret of this.store.list(SECRETS)) {
      if (secret.type !== TYPE || (secret.data as Record<string, string> | undefined)?.token) continue;
      const ns = secret.metadata.namespace ?? '';
      const saName = secret.metadata.annotations?.[NAME_ANNOTATION];
      const sa = saName ? this.store.get(SERVICE_ACCOUNTS, ns, saName) : undefined;
      if (!sa?.metadata.uid) continue; // waits for its ServiceAccount
      const wantUid = secret.metadata.annotations?.[UID_ANNOTATION];
      if (wantUid && wantUid !== sa.metadata.uid) continue;
      const { token } = this.tokens.issue({ namespace: ns, serviceAccount: sa.metadata.name, serviceAccountUid: sa.metadata.uid, audiences: [API_AUDIENCE], bound: { kind: 'Secret', name: secret.metadata.name, uid: secret.metadata.uid ?? '' } });
      const b64 = (v: string): string => Buffer.from(v, 'utf8').toString('base64');
      const patch = { metadata: { annotations: { [UID_ANNOTATION]: sa.metadata.uid } }, data: { 'ca.crt': b64(this.caPem), namespace: b64(ns), token: b64(token) } };
      this.api.patch({ res, version: 'v1', namespace: ns, name: secret.metadata.name }, Buffer.from(JSON.stringify(patch)), 'application/merge-patch+json', { dryRun: false, fieldManager: 'kube-controller-manager' });
    }
  }
}
