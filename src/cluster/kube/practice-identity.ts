// Recognising the practice cluster behind an ordinary kubeconfig (the learner exported the
// KUBECONFIG that `egress-tutorial practice` printed): its context or cluster name AND a loopback
// server. The name alone is never enough: a real cluster could be given that name. Pure.

import net from 'node:net';

/** The practice cluster's context and cluster name (src/practice/kubeconfig.ts CONTEXT_NAME; a test keeps them equal). */
export const PRACTICE_CONTEXT_NAME = 'egress-tutorial-practice';

/** 127.0.0.0/8, ::1, or an IPv4-mapped ::ffff:127.x.y.z. Host names (even "localhost") are not trusted. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (net.isIPv4(host)) return host.split('.')[0] === '127';
  if (!net.isIPv6(host)) return false;
  if (host === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(host)) return true;
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):[0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return false;
  if (mapped[1]) return mapped[1].split('.')[0] === '127';
  return parseInt(mapped[2], 16) >> 8 === 127;
}

/** The kubeconfig entry is the practice cluster's: its name, and a server on loopback. */
export function isPracticeCluster(contextName: string, clusterName: string, server: string): boolean {
  if (contextName !== PRACTICE_CONTEXT_NAME && clusterName !== PRACTICE_CONTEXT_NAME) return false;
  try {
    return isLoopbackHost(new URL(server).hostname);
  } catch {
    return false;
  }
}
