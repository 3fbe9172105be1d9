// The kubeconfig for the practice cluster: HTTPS on loopback with the cluster's own CA in
// certificate-authority-data (kubectl sends no token over plain HTTP), a bearer token user.

import { dump as dumpYaml } from 'js-yaml';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export const CONTEXT_NAME = 'egress-tutorial-practice';
export const USER_NAME = 'practice-learner';

export function kubeconfigYaml(url: string, token: string, caPem: string, namespace = 'default'): string {
  return dumpYaml(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: [{ name: CONTEXT_NAME, cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem, 'utf8').toString('base64') } }],
      users: [{ name: USER_NAME, user: { token } }],
      contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: USER_NAME, namespace } }],
      'current-context': CONTEXT_NAME,
    },
    { lineWidth: -1 },
  );
}

/** Writes `text` to `path` with mode 0600, atomically (temp file + rename). */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.chmod(0o600);
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
