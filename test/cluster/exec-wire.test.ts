// Exec on the wire, against a WebSocket server that speaks the channel protocol the way a real
// kubelet does: split UTF-8 across frames, v5 CLOSE frames, the status channel, failed handshakes.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectCluster } from '../../src/cluster/index.js';
import { ClusterError } from '../../src/cluster/port.js';
import { startFakeApi, type FakeApi } from './fake-api.js';

let api: FakeApi | undefined;
let wss: WebSocketServer | undefined;
afterEach(async () => {
  for (const client of wss?.clients ?? []) client.terminate();
  wss?.close();
  await api?.close();
  api = undefined;
  wss = undefined;
});

const frame = (channel: number, data: string | Buffer): Buffer => Buffer.concat([Buffer.from([channel]), typeof data === 'string' ? Buffer.from(data) : data]);

/** A fake API server whose exec endpoint runs `session` on each WebSocket. */
async function execServer(session: (ws: WebSocket, url: URL) => void, reject?: number): Promise<{ port: Awaited<ReturnType<typeof connectCluster>>['port']; seen: URL[] }> {
  const seen: URL[] = [];
  wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  api = await startFakeApi(undefined, (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push(url);
    if (reject) {
      socket.end(`HTTP/1.1 ${reject} Forbidden\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      return;
    }
    wss!.handleUpgrade(req, socket, head, (ws) => session(ws, url));
  });
  const { port } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml() });
  return { port, seen };
}

describe('exec over the channel protocol', () => {
  it('decodes UTF-8 split across frames, survives v5 CLOSE frames, and takes the exit code from the status channel', async () => {
    const bytes = Buffer.from('出口网关 HTTP/1.1 200 OK\n');
    const { port, seen } = await execServer((ws) => {
      ws.send(frame(1, bytes.subarray(0, 2))); // half of 出
      ws.send(frame(1, bytes.subarray(2)));
      ws.send(frame(2, 'warning: 服务入口\n'));
      ws.send(Buffer.from([255, 1])); // v5: stdout closed
      ws.send(Buffer.from([255, 2])); // v5: stderr closed
      ws.send(frame(3, JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } })));
    });
    const out: string[] = [];
    const result = await port.exec({ namespace: 'default', name: 'curl-1' }, 'curl', ['curl', '-sS', 'http://httpbin.org/headers'], { onStdout: (t) => out.push(t), timeoutMs: 5000 });
    expect(result).toEqual({ exitCode: 7, stdout: '出口网关 HTTP/1.1 200 OK\n', stderr: 'warning: 服务入口\n' });
    expect(out.join('')).not.toContain('\uFFFD');
    // client-node's handler defaults to process.stdout and would have ended it on the CLOSE frame.
    expect(process.stdout.writableEnded).toBe(false);
    expect(process.stderr.writableEnded).toBe(false);
    expect(seen[0].pathname).toBe('/api/v1/namespaces/default/pods/curl-1/exec');
    expect(seen[0].searchParams.getAll('command')).toEqual(['curl', '-sS', 'http://httpbin.org/headers']);
    expect(seen[0].searchParams.get('container')).toBe('curl');
    port.close();
  });

  it('a session that closes without a status is an error, not exit code 0', async () => {
    const { port } = await execServer((ws) => {
      ws.send(frame(1, 'partial'));
      ws.close(1000);
    });
    const err = await port.exec({ namespace: 'default', name: 'p' }, 'c', ['true'], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toBe('The session to run true in container "c" of pod "p" closed without an exit status: try again.');
    port.close();
  });

  it('a Failure status that is not an exit code (the command could not start) is one sentence', async () => {
    const { port } = await execServer((ws) => {
      ws.send(frame(3, JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'exec: "nosuch": executable file not found in $PATH' })));
    });
    const err = await port.exec({ namespace: 'default', name: 'p' }, 'c', ['nosuch'], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect((err as ClusterError).message).toBe('Could not run nosuch in container "c" of pod "p": exec: "nosuch": executable file not found in $PATH.');
    port.close();
  });

  it('a refused handshake (403) becomes the forbidden sentence', async () => {
    const { port } = await execServer(() => undefined, 403);
    const err = await port.exec({ namespace: 'default', name: 'p' }, 'c', ['true'], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ClusterError', reason: 'forbidden', status: 403 });
    expect((err as ClusterError).message).toMatch(/^Could not run true in container "c" of pod "p": forbidden; ask a cluster admin/);
    port.close();
  });
});
