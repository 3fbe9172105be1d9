// The mesh model's entry point: run a command in a pod of the practice cluster and return what
// it prints, its exit code, and the access-log lines the mesh's proxies wrote along the way.

import type { Net } from './net.js';
import { podEnvironment, runProgram } from './programs.js';
import { Dice } from './random.js';
import type { CommandContext, CommandResult } from './types.js';

export type * from './types.js';
export { type AccessLogFields, type AccessLogEncoding, formatAccessLog } from './accessLog.js';
export { formatHead, CURL_USER_AGENT } from './curl.js';

export function runCommand(ctx: CommandContext): CommandResult {
  const net: Net = {
    state: ctx.state,
    client: ctx.pod,
    intercepted: ctx.pod.hasSidecar && ctx.container !== 'istio-proxy',
    dice: new Dice(ctx.random),
    now: ctx.now,
    hops: 0,
    logs: [],
    clockMs: 0,
  };
  if (ctx.argv.length === 0) {
    return { stdout: '', stderr: 'OCI runtime exec failed: exec failed: unable to start container process: exec: no command: unknown\n', exitCode: 126, accessLog: [] };
  }
  const result = runProgram({ net, ...podEnvironment(net) }, ctx.argv, ctx.stdin ?? '', false);
  return { ...result, accessLog: net.logs };
}
