// `exec` over WebSocket with the channel.k8s.io subprotocols: each binary message starts with a
// channel byte (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize, 255 close in v5).

import type { WebSocket } from 'ws';
import type { CommandResult } from '../mesh/types.js';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export function chooseProtocol(offered: Set<string>): string | false {
  for (const p of EXEC_PROTOCOLS) if (offered.has(p)) return p;
  return false;
}

function frame(channel: number, text: string | Buffer): Buffer {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return Buffer.concat([Buffer.from([channel]), data]);
}

/** The status message on channel 3: metav1.Status for v4/v5, plain text for older protocols. */
export function statusMessage(protocol: string, exitCode: number): Buffer | undefined {
  const structured = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io';
  if (!structured) return exitCode === 0 ? undefined : Buffer.from(`command terminated with non-zero exit code: error executing command, exit status ${exitCode}`);
  const status =
    exitCode === 0
      ? { metadata: {}, status: 'Success' }
      : {
          metadata: {},
          status: 'Failure',
          message: `command terminated with non-zero exit code: command terminated with exit code ${exitCode}`,
          reason: 'NonZeroExitCode',
          details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
        };
  return Buffer.from(JSON.stringify(status));
}

/** Sends a finished command's output and status, then closes the socket. */
export function sendResult(ws: WebSocket, result: CommandResult): void {
  const protocol = ws.protocol;
  if (result.stdout) ws.send(frame(1, result.stdout));
  if (result.stderr) ws.send(frame(2, result.stderr));
  const status = statusMessage(protocol, result.exitCode);
  if (status) ws.send(frame(3, status));
  ws.close(1000);
}

/** Sends a failure (the command could not run) on the error channel and closes. */
export function sendError(ws: WebSocket, message: string): void {
  const structured = ws.protocol === 'v4.channel.k8s.io' || ws.protocol === 'v5.channel.k8s.io';
  const body = structured ? JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 }) : message;
  ws.send(frame(3, body));
  ws.close(1000);
}
