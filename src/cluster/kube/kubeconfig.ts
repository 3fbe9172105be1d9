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
import { say, type Lang } from './lang.js';

export interface KubeconfigSource {
  /** --kubeconfig: one path, or several joined with the platform's path delimiter. All must exist. */
  kubeconfig?: string;
  /** A kubeconfig given as YAML text (the practice cluster hands one over without a file). */
  kubeconfigYaml?: string;
  /** --context; default the kubeconfig's current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv; // default process.env (tests pass their own)
  home?: string; // default os.homedir()
  /** The learner's language for the error sentences (default English). */
  lang?: Lang;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  context: Context;
  cluster: Cluster;
  user: User | null;
  files: string[]; // the files that were read, in order
}

const PRACTICE_HINT = 'or try the practice cluster with --practice';
const PRACTICE_HINT_ZH = '也可以用 --practice 试试练习集群';

function configError(message: string): ClusterError {
  return new ClusterError(message, 'config');
}

/** Which files to read, in precedence order. */
export function kubeconfigFiles(source: KubeconfigSource): { files: string[]; origin: string } {
  const env = source.env ?? process.env;
  const lang = source.lang;
  if (source.kubeconfig) {
    const files = source.kubeconfig.split(path.delimiter).filter(Boolean);
    for (const file of files) {
      if (!fs.existsSync(file)) {
        throw configError(
          say(lang, `The kubeconfig file ${file} given with --kubeconfig does not exist: check the path, ${PRACTICE_HINT}.`, `用 --kubeconfig 指定的 kubeconfig 文件 ${file} 不存在：请检查路径，${PRACTICE_HINT_ZH}。`),
        );
      }
    }
    return { files, origin: '--kubeconfig' };
  }
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(path.delimiter).filter(Boolean);
    const files = listed.filter((f) => fs.existsSync(f));
    if (files.length === 0) {
      throw configError(
        say(
          lang,
          `None of the files in KUBECONFIG (${listed.join(path.delimiter)}) exists: fix KUBECONFIG, pass --kubeconfig, ${PRACTICE_HINT}.`,
          `KUBECONFIG 中的文件（${listed.join(path.delimiter)}）都不存在：请修正 KUBECONFIG 或使用 --kubeconfig，${PRACTICE_HINT_ZH}。`,
        ),
      );
    }
    return { files, origin: 'KUBECONFIG' };
  }
  const home = source.home ?? os.homedir();
  const fallback = path.join(home, '.kube', 'config');
  if (!fs.existsSync(fallback)) {
    throw configError(
      say(
        lang,
        `No kubeconfig found (KUBECONFIG is not set and ${fallback} does not exist): pass --kubeconfig, set KUBECONFIG, ${PRACTICE_HINT}.`,
        `找不到 kubeconfig（KUBECONFIG 未设置，${fallback} 也不存在）：请使用 --kubeconfig 或设置 KUBECONFIG，${PRACTICE_HINT_ZH}。`,
      ),
    );
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
function parse(text: string, label: string, dir?: string, lang?: Lang): Parsed {
  if (text.trim() === '') return { clusters: [], users: [], contexts: [] };
  const part = new KubeConfig();
  try {
    part.loadFromString(text);
    if (dir) part.makePathsAbsolute(dir);
  } catch (err) {
    const e = err as { name?: string; reason?: string; mark?: { line?: number }; message?: string; code?: string };
    if (lang === 'zh') {
      const why =
        e.name === 'YAMLException'
          ? `${e.mark?.line !== undefined ? `第 ${e.mark.line + 1} 行` : ''}YAML 错误：${e.reason ?? '无法解析'}`
          : e.code === 'ENOENT'
            ? '它引用的令牌文件不存在'
            : sanitize(e.message ?? String(err), 120);
      throw configError(`kubeconfig ${label} 无法读取（${why}）：请修正它，或用 --kubeconfig 指向其他文件。`);
    }
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

function known(contexts: Context[], lang?: Lang): string {
  if (contexts.length === 0) return say(lang, 'it defines none', '其中没有定义任何上下文');
  const names = contexts.slice(0, 6).map((c) => c.name);
  return `${say(lang, 'known: ', '已有：')}${names.join(', ')}${contexts.length > 6 ? ', …' : ''}`;
}

export function loadKubeconfig(source: KubeconfigSource): LoadedKubeconfig {
  let parts: Parsed[];
  let files: string[] = [];
  let origin: string;
  const lang = source.lang;
  if (source.kubeconfigYaml !== undefined) {
    parts = [parse(source.kubeconfigYaml, say(lang, '(given as text)', '（以文本给出）'), undefined, lang)];
    origin = say(lang, 'the given kubeconfig', '给定的 kubeconfig');
  } else {
    const found = kubeconfigFiles(source);
    files = found.files;
    origin = found.origin;
    parts = files.map((file) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw configError(
          say(lang, `The kubeconfig ${file} could not be read (${code ?? 'error'}): check its permissions.`, `kubeconfig ${file} 无法读取（${code ?? '出错'}）：请检查它的权限。`),
        );
      }
      return parse(text, file, path.dirname(file), lang);
    });
  }
  const clusters = firstWins(parts.map((p) => p.clusters));
  const users = firstWins(parts.map((p) => p.users));
  const contexts = firstWins(parts.map((p) => p.contexts));
  const current = parts.find((p) => p.currentContext)?.currentContext;

  const contextName = source.context ?? current;
  if (!contextName) {
    throw configError(
      say(
        lang,
        `The kubeconfig (${origin}) sets no current context (${known(contexts)}): pick one with --context, ${PRACTICE_HINT}.`,
        `kubeconfig（${origin}）没有设置当前上下文（${known(contexts, lang)}）：请用 --context 选择一个，${PRACTICE_HINT_ZH}。`,
      ),
    );
  }
  const context = contexts.find((c) => c.name === contextName);
  if (!context) {
    throw configError(
      say(
        lang,
        `Context "${contextName}" is not in the kubeconfig (${origin}; ${known(contexts)}): pick another with --context.`,
        `kubeconfig（${origin}；${known(contexts, lang)}）中没有上下文 "${contextName}"：请用 --context 选择其他上下文。`,
      ),
    );
  }
  const cluster = clusters.find((c) => c.name === context.cluster);
  if (!cluster) {
    throw configError(
      say(
        lang,
        `Context "${contextName}" names cluster "${context.cluster}", which the kubeconfig (${origin}) does not define: fix the kubeconfig or pick another context.`,
        `上下文 "${contextName}" 指向集群 "${context.cluster}"，但 kubeconfig（${origin}）没有定义它：请修正 kubeconfig，或选择其他上下文。`,
      ),
    );
  }
  try {
    const url = new URL(cluster.server);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw configError(
      say(
        lang,
        `The server of context "${contextName}" is not a valid https:// URL: fix the cluster entry "${cluster.name}" in the kubeconfig.`,
        `上下文 "${contextName}" 的服务器不是有效的 https:// URL：请修正 kubeconfig 中的集群条目 "${cluster.name}"。`,
      ),
    );
  }
  const user = users.find((u) => u.name === context.user) ?? null;

  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters, users, contexts, currentContext: contextName });
  // Guard against client-node's silent localhost:8080 fallback: the cluster must be the one we chose.
  if (kc.getCurrentCluster()?.server !== cluster.server) {
    throw configError(
      say(
        lang,
        `The kubeconfig (${origin}) does not resolve to a cluster for context "${contextName}": fix the kubeconfig.`,
        `kubeconfig（${origin}）无法为上下文 "${contextName}" 解析出集群：请修正 kubeconfig。`,
      ),
    );
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
