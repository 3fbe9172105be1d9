// A command in a container over client-node's WebSocket connection (its WebSocketHandler: the
// kubeconfig's TLS and credentials, the channel subprotocols). client-node's handler defaults its
// streams to process.stdin/stdout/stderr and a v5 CLOSE frame ends them, so it is built here with
// our own streams; and its Exec class throws "Unknown stream: 255" from inside the socket's message
// handler when a v5 CLOSE frame arrives, so the frames are handled here instead. Output is decoded
// with a StringDecoder (a multi-byte character split across frames stays whole); the exit code
// comes from the status channel's V1Status.

import { StringDecoder } from 'node:string_decoder';
import { PassThrough, Writable } from 'node:stream';
import querystring from 'node:querystring';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
// Not re-exported by the package index; the package has no exports map, so the deep path is stable for 1.4.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import { ClusterError, type ExecOptions, type ExecResult } from '../port.js';
import { formatDuration } from './backoff.js';
import { httpError, sanitize, stoppedMessage, toClusterError, type Where } from './errors.js';
import { say } from './lang.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const MAX_CAPTURE = 1_000_000; // characters kept per stream in the result; callbacks see everything

/** A Writable that decodes UTF-8 and hands text to `onText`, keeping a bounded copy. */
export class DecodingSink extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  text = '';

  constructor(private readonly onText?: (text: string) => void) {
    super();
  }

  private take(text: string): void {
    if (!text) return;
    if (this.text.length < MAX_CAPTURE) this.text += text.slice(0, MAX_CAPTURE - this.text.length);
    this.onText?.(text);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.take(this.decoder.end());
    callback();
  }
}

/** The exit code a V1Status from the status channel stands for; undefined when it is an error. */
export function exitCodeFromStatus(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    return Number.isInteger(code) ? code : 1;
  }
  return undefined;
}

function ended(stream: Writable): Promise<void> {
  if (stream.writableFinished) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('finish', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
    if (!stream.writableEnded) stream.end();
  });
}

const notStarted = new WeakSet<object>();
function markNotStarted(err: ClusterError): ClusterError {
  notStarted.add(err);
  return err;
}

/** The exec was refused before the command started (a 429 or 5xx on the upgrade): it may be retried. */
export function execNotStarted(err: unknown): boolean {
  return typeof err === 'object' && err !== null && notStarted.has(err);
}

export async function runExec(
  kc: KubeConfig,
  where: Where,
  pod: { namespace: string; name: string },
  container: string,
  argv: string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const lang = where.lang;
  const what = say(
    lang,
    `run ${argv[0] ?? 'a command'} in container "${container}" of pod "${pod.name}"`,
    `在 Pod "${pod.name}" 的容器 "${container}" 中运行 ${argv[0] ?? '命令'}`,
  );
  if (options.signal?.aborted) throw new ClusterError(stoppedMessage(what, lang), 'cancelled');
  const stdout = new DecodingSink(options.onStdout);
  const stderr = new DecodingSink(options.onStderr);
  // Our own streams, never the process's: a v5 CLOSE frame ends whatever streams the handler holds.
  const handler = new WebSocketHandler(kc, undefined, { stdin: new PassThrough(), stdout, stderr });
  const query = querystring.stringify({ stdout: true, stderr: true, stdin: false, tty: false, command: argv, container });
  const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/exec?${query}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;

  return new Promise<ExecResult>((resolve, reject) => {
    let socket: { close(): void; on?(event: string, fn: () => void): void } | undefined;
    let status: V1Status | undefined;
    let settled = false;

    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: ClusterError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket?.close();
      stdout.destroy();
      stderr.destroy();
      reject(err);
    };
    const finish = async (): Promise<void> => {
      if (settled) return;
      settled = true;
      cleanup();
      await Promise.all([ended(stdout), ended(stderr)]);
      if (!status) {
        reject(new ClusterError(say(lang, `The session to ${what} closed without an exit status: try again.`, `用于${what}的会话在没有退出状态的情况下关闭了：请重试。`), 'other'));
        return;
      }
      const exitCode = exitCodeFromStatus(status);
      if (exitCode === undefined) {
        const message = sanitize(status.message ?? status.reason ?? say(lang, 'unknown error', '未知错误'), 200);
        reject(new ClusterError(say(lang, `Could not ${what}: ${message}.`, `无法${what}：${message}。`), 'other'));
        return;
      }
      resolve({ exitCode, stdout: stdout.text, stderr: stderr.text });
    };
    const onAbort = (): void => fail(new ClusterError(stoppedMessage(what, lang), 'cancelled'));
    const timer = setTimeout(() => {
      // Nothing at all came back while the stream stayed open: the exec hangs, not the command's network.
      if (stdout.text === '' && stderr.text === '') {
        fail(
          new ClusterError(
            say(
              lang,
              `The exec session to ${what} stayed open for ${formatDuration(timeoutMs)} with no output and no exit status, so it was stopped: the exec (the container or the API server's stream to it) hangs, this is not a curl timeout; check the pod with kubectl describe pod ${pod.name} -n ${pod.namespace} and try kubectl exec ${pod.name} -n ${pod.namespace} -c ${container} -- true.`,
              `用于${what}的 exec 会话保持打开了 ${formatDuration(timeoutMs, lang)}，既没有输出也没有退出状态，已被停止：挂住的是 exec 本身（容器，或 API 服务器到它的流），不是 curl 超时；请用 kubectl describe pod ${pod.name} -n ${pod.namespace} 检查 Pod，并试试 kubectl exec ${pod.name} -n ${pod.namespace} -c ${container} -- true。`,
            ),
            'hung',
          ),
        );
        return;
      }
      fail(
        new ClusterError(
          say(
            lang,
            `The command did not finish within ${formatDuration(timeoutMs)}, so it was stopped (${what}); check the pod and try again.`,
            `命令在 ${formatDuration(timeoutMs, lang)}内没有结束，已被停止（${what}）；请检查 Pod 后重试。`,
          ),
          'timeout',
        ),
      );
    }, timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    /** One binary frame: channel byte + payload. Returns false to close the socket. */
    const onFrame = (channel: number, payload: Buffer): boolean => {
      if (settled) return false;
      if (channel === STDOUT) stdout.write(payload);
      else if (channel === STDERR) stderr.write(payload);
      else if (channel === STATUS) {
        try {
          status = JSON.parse(payload.toString('utf8')) as V1Status;
        } catch {
          // v1-v3 servers send the error as plain text
          status = { status: 'Failure', message: payload.toString('utf8') };
        }
        void finish();
        return false;
      }
      // CLOSE (255) frames were already applied to our streams by the handler; others are ignored.
      return true;
    };

    handler
      .connect(path, null, onFrame)
      .then((ws) => {
        socket = ws as unknown as typeof socket;
        if (settled) {
          ws.close();
          return;
        }
        ws.on('close', () => void finish());
      })
      .catch((err: unknown) => {
        const m = /Unexpected server response: (\d{3})/.exec(String((err as { message?: string })?.message ?? ''));
        if (m && (m[1] === '404' || m[1] === '400')) {
          fail(
            new ClusterError(
              say(
                lang,
                `Could not ${what}: the pod or the container does not exist (any more); wait for the pod to be Ready and try again.`,
                `无法${what}：Pod 或容器不存在（或已不存在）；请等 Pod Ready 后重试。`,
              ),
              'not-found',
              Number(m[1]),
            ),
          );
        } else if (m) {
          // The session never started, so the command did not run: safe to try again.
          fail(markNotStarted(httpError(Number(m[1]), undefined, where, what)));
        } else {
          fail(toClusterError(err, where, what));
        }
      });
  });
}
