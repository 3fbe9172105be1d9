// A short description of where the tutorial will connect, for the first frame — read from the
// kubeconfig without client-node (which loads only after the first frame).

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stateDir } from '../progress/index.js';
import type { CliFlags } from './args.js';
import { practiceInfoIfAlive } from './practice-info.js';

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: { name?: string; context?: { cluster?: string } }[];
  clusters?: { name?: string; cluster?: { server?: string } }[];
}

type YamlLoad = (text: string) => unknown;

/** "context kind-istio (https://127.0.0.1:6443)", or what is missing. Never throws. */
export function describeTarget(flags: CliFlags, env: NodeJS.ProcessEnv, load: YamlLoad, home = homedir()): string {
  if (flags.practice) {
    const running = practiceInfoIfAlive(stateDir(env));
    return running ? `the running practice cluster (simulated, pid ${running.pid}, ${running.url})` : 'the practice cluster (simulated, in-process on 127.0.0.1)';
  }
  const files = flags.kubeconfig
    ? flags.kubeconfig.split(delimiter).filter(Boolean)
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(delimiter).filter(Boolean)
      : [join(home, '.kube', 'config')];
  const docs: KubeconfigDoc[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      const doc = load(readFileSync(file, 'utf8'));
      if (doc && typeof doc === 'object') docs.push(doc as KubeconfigDoc);
    } catch {
      // The connection reports unreadable kubeconfigs properly; here we only describe.
    }
  }
  if (docs.length === 0) return 'no kubeconfig found';
  // Like kubectl: the first file that names something wins.
  const contextName = flags.context ?? docs.find((d) => d['current-context'])?.['current-context'];
  if (!contextName) return 'a kubeconfig without a current context';
  const context = docs.flatMap((d) => d.contexts ?? []).find((c) => c.name === contextName);
  const cluster = docs.flatMap((d) => d.clusters ?? []).find((c) => c.name === context?.context?.cluster);
  const server = cluster?.cluster?.server;
  return server ? `context ${contextName} (${server})` : `context ${contextName}`;
}
