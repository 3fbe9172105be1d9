// A tiny Kubernetes-shaped HTTP server on loopback for unit tests of the client layer: it records
// every request exactly as sent (so the tests can see what client-node puts on the wire) and
// answers discovery plus whatever a test's handler decides. The integration tests use the real
// practice cluster instead.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The client's end of the connection: which keep-alive socket carried the request. */
  remotePort?: number;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Drop the connection without answering (a reset). */
  reset?: boolean;
  /** Answer after this long (keeps several connections busy at once). */
  delayMs?: number;
  /** Take over the response (streaming answers such as a followed log). */
  stream?: (res: http.ServerResponse, req: http.IncomingMessage) => void;
}

export type Handler = (req: Recorded) => Answer | undefined;

const RESOURCES: Record<string, { name: string; kind: string; namespaced: boolean }[]> = {
  '/api/v1': [
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
  ],
  '/apis/apps/v1': [{ name: 'deployments', kind: 'Deployment', namespaced: true }],
  '/apis/networking.istio.io/v1': [
    { name: 'gateways', kind: 'Gateway', namespaced: true },
    { name: 'serviceentries', kind: 'ServiceEntry', namespaced: true },
  ],
  '/apis/networking.istio.io/v1alpha3': [
    { name: 'gateways', kind: 'Gateway', namespaced: true },
    { name: 'serviceentries', kind: 'ServiceEntry', namespaced: true },
  ],
};

function discovery(path: string): Answer | undefined {
  if (path === '/version') return { status: 200, body: { major: '1', minor: '32', gitVersion: 'v1.32.0-fake' } };
  if (path === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'] } };
  if (path === '/apis') {
    return {
      status: 200,
      body: {
        kind: 'APIGroupList',
        groups: [
          { name: 'apps', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
          {
            name: 'networking.istio.io',
            versions: [{ version: 'v1' }, { version: 'v1alpha3' }],
            preferredVersion: { version: 'v1' },
          },
        ],
      },
    };
  }
  const resources = RESOURCES[path];
  if (resources) return { status: 200, body: { kind: 'APIResourceList', groupVersion: path.replace(/^\/apis?\//, ''), resources } };
  return undefined;
}

export interface FakeApi {
  url: string;
  requests: Recorded[];
  kubeconfigYaml(options?: { token?: string; namespace?: string }): string;
  close(): Promise<void>;
}

export type UpgradeHandler = (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void;

export async function startFakeApi(handler: Handler = () => undefined, upgrade?: UpgradeHandler): Promise<FakeApi> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: Recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), remotePort: req.socket.remotePort };
      requests.push(recorded);
      const answer = handler(recorded) ?? discovery(url.pathname) ?? {
        status: 404,
        body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' },
      };
      const finish = () => {
      if (answer.reset) {
        req.socket.destroy();
        return;
      }
      if (answer.stream) {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer.headers ?? {}) });
        res.flushHeaders(); // kube-apiserver sends the head of a follow stream at once
        answer.stream(res, req);
        return;
      }
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(text);
      };
      if (answer.delayMs) setTimeout(finish, answer.delayMs);
      else finish();
    });
  });
  if (upgrade) server.on('upgrade', upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    kubeconfigYaml: (options = {}) =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: fake',
        '  cluster:',
        `    server: ${url}`,
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: fake-user',
        '  user:',
        `    token: ${options.token ?? 'fake-token-0123456789'}`,
        'contexts:',
        '- name: fake-ctx',
        '  context:',
        '    cluster: fake',
        '    user: fake-user',
        ...(options.namespace ? [`    namespace: ${options.namespace}`] : []),
        'current-context: fake-ctx',
        '',
      ].join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A metav1.Status body as kube-apiserver writes it. */
export function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Answer {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) } };
}
