// Loads a kubeconfig the way kubectl does: --kubeconfig, else every file of KUBECONFIG (missing
// ones skipped; for clusters, users and contexts the first file that names one wins, and the first
// current-context wins), else ~/.kube/config. client-node's own loadFromDefault differs (later
// files override the current context, duplicate names throw, and with nothing configured it
// silently talks to http://localhost:8080), so the merge is done here and only the parsing is its.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterError } from '../port.js';
import { sanitize } from './errors.js';

export interface KubeconfigSource {
  /** --kubeconfig: one path, or several joined with the platform's path delimiter. All must exist. */
  kubeconfig?: string;
  /** A kubeconfig given as YAML text (the practice cluster hands one over without a file). */
  kubeconfigYaml?: string;
  /** --context; default the kubeconfig's current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv; // default process.env (tests pass their own)
  home?: string; // default os.homedir()
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  context: Context;
  cluster: Cluster;
  user: User | null;
  files: string[]; // the files that were read, in order
}

const PRACTICE_HINT = 'or try the practice cluster with --practice';

function configError(message: string): ClusterError {
  return new ClusterError(message, 'config');
}

/** Which files to read, in precedence order. */
export function kubeconfigFiles(source: KubeconfigSource): { files: string[]; origin: string } {
  const env = source.env ?? process.env;
  if (source.kubeconfig) {
    const files = source.kubeconfig.split(path.delimiter).filter(Boolean);
    for (const file of files) {
      if (!fs.existsSync(file)) throw configError(`The kubeconfig file ${file} given with --kubeconfig does not exist: check the path, ${PRACTICE_HINT}.`);
    }
    return { files, origin: '--kubeconfig' };
  }
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(path.delimiter).filter(Boolean);
    const files = listed.filter((f) => fs.existsSync(f));
    if (files.length === 0) {
      throw configError(`None of the files in KUBECONFIG (${listed.join(path.delimiter)}) exists: fix KUBECONFIG, pass --kubeconfig, ${PRACTICE_HINT}.`);
    }
    return { files, origin: 'KUBECONFIG' };
  }
  const home = source.home ?? os.homedir();
  const fallback = path.join(home, '.kube', 'config');
  if (!fs.existsSync(fallback)) {
    throw configError(`No kubeconfig found (KUBECONFIG is not set and ${fallback} does not exist): pass --kubeconfig, set KUBECONFIG, ${PRACTICE_HINT}.`);
  }
  return { files: [fallback], origin: fallback };
}

interface Parsed {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext?: string;
}

/** Parse one kubeconfig text with client-node; errors name the file and line, never its content. */
function parse(text: string, label: string, dir?: string): Parsed {
  if (text.trim() === '') return { clusters: [], users: [], contexts: [] };
  const part = new KubeConfig();
  try {
    part.loadFromString(text);
    if (dir) part.makePathsAbsolute(dir);
  } catch (err) {
    const e = err as { name?: string; reason?: string; mark?: { line?: number }; message?: string; code?: string };
    const why =
      e.name === 'YAMLException'
        ? `YAML error${e.mark?.line !== undefined ? ` on line ${e.mark.line + 1}` : ''}: ${e.reason ?? 'cannot parse'}`
        : e.code === 'ENOENT'
          ? 'a token file it names does not exist'
          : sanitize(e.message ?? String(err), 120);
    throw configError(`The kubeconfig ${label} could not be read (${why}): fix it or point --kubeconfig at another file.`);
  }
  return { clusters: part.getClusters(), users: part.getUsers(), contexts: part.getContexts(), currentContext: part.getCurrentContext() || undefined };
}

function firstWins<T extends { name: string }>(lists: T[][]): T[] {
  const seen = new Map<string, T>();
  for (const list of lists) for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item);
  return [...seen.values()];
}

function known(contexts: Context[]): string {
  if (contexts.length === 0) return 'it defines none';
  const names = contexts.slice(0, 6).map((c) => c.name);
  return `known: ${names.join(', ')}${contexts.length > 6 ? ', …' : ''}`;
}

export function loadKubeconfig(source: KubeconfigSource): LoadedKubeconfig {
  let parts: Parsed[];
  let files: string[] = [];
  let origin: string;
  if (source.kubeconfigYaml !== undefined) {
    parts = [parse(source.kubeconfigYaml, '(given as text)')];
    origin = 'the given kubeconfig';
  } else {
    const found = kubeconfigFiles(source);
    files = found.files;
    origin = found.origin;
    parts = files.map((file) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw configError(`The kubeconfig ${file} could not be read (${(err as { code?: string }).code ?? 'error'}): check its permissions.`);
      }
      return parse(text, file, path.dirname(file));
    });
  }
  const clusters = firstWins(parts.map((p) => p.clusters));
  const users = firstWins(parts.map((p) => p.users));
  const contexts = firstWins(parts.map((p) => p.contexts));
  const current = parts.find((p) => p.currentContext)?.currentContext;

  const contextName = source.context ?? current;
  if (!contextName) {
    throw configError(`The kubeconfig (${origin}) sets no current context (${known(contexts)}): pick one with --context, ${PRACTICE_HINT}.`);
  }
  const context = contexts.find((c) => c.name === contextName);
  if (!context) {
    throw configError(`Context "${contextName}" is not in the kubeconfig (${origin}; ${known(contexts)}): pick another with --context.`);
  }
  const cluster = clusters.find((c) => c.name === context.cluster);
  if (!cluster) {
    throw configError(`Context "${contextName}" names cluster "${context.cluster}", which the kubeconfig (${origin}) does not define: fix the kubeconfig or pick another context.`);
  }
  try {
    const url = new URL(cluster.server);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw configError(`The server of context "${contextName}" is not a valid https:// URL: fix the cluster entry "${cluster.name}" in the kubeconfig.`);
  }
  const user = users.find((u) => u.name === context.user) ?? null;

  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters, users, contexts, currentContext: contextName });
  // Guard against client-node's silent localhost:8080 fallback: the cluster must be the one we chose.
  if (kc.getCurrentCluster()?.server !== cluster.server) {
    throw configError(`The kubeconfig (${origin}) does not resolve to a cluster for context "${contextName}": fix the kubeconfig.`);
  }
  return { kc, context, cluster, user, files };
}

/** The server URL without any user-info part, for messages and identity keys. */
export function displayServer(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return server;
  }
}
