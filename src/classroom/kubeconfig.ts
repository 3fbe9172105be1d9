// A learner's kubeconfig: the instructor's server and CA, the learner's token, a context whose
// namespace is the learner's. Written with mode 0600 from the first byte (a temp file opened
// exclusively with that mode, then renamed), so no other user can read it at any moment.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import type { ClusterAccess } from '../cluster/port.js';

export interface LearnerKubeconfig {
  access: ClusterAccess; // the instructor's server, CA and cluster entry name
  namespace: string;
  token: string;
}

/** The kubeconfig text. Pure. */
export function learnerKubeconfigYaml(k: LearnerKubeconfig): string {
  const cluster: Record<string, unknown> = { server: k.access.server };
  if (k.access.certificateAuthorityData) cluster['certificate-authority-data'] = k.access.certificateAuthorityData;
  if (k.access.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  if (k.access.tlsServerName) cluster['tls-server-name'] = k.access.tlsServerName;
  if (k.access.proxyUrl) cluster['proxy-url'] = k.access.proxyUrl;
  return yaml.dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: k.access.clusterName, cluster }],
      users: [{ name: k.namespace, user: { token: k.token } }],
      contexts: [{ name: k.namespace, context: { cluster: k.access.clusterName, user: k.namespace, namespace: k.namespace } }],
      'current-context': k.namespace,
    },
    { lineWidth: -1 },
  );
}

export function kubeconfigPath(dir: string, namespace: string): string {
  return join(dir, `${namespace}.kubeconfig`);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Write `text` to `path`, readable by its owner only at every moment. */
export async function writePrivate(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx': created here, never an existing file someone else prepared; 0600 from the start (the umask only narrows it).
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
  try {
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
