// Test helpers: HTTPS requests that trust the practice cluster's CA, a poller, and start/stop.

import { request as httpsRequest } from 'node:https';
import { load as loadYaml } from 'js-yaml';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster, PracticeOptions } from '../../src/practice/types.js';
import { seedObject } from '../fixtures/seed.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function caOf(cluster: PracticeCluster): string {
  const cfg = loadYaml(cluster.kubeconfig()) as { clusters: { cluster: Record<string, string> }[] };
  return Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
}

export interface RequestOptions {
  method?: string;
  body?: unknown; // objects are sent as JSON
  contentType?: string;
  token?: string | null; // null: no Authorization header
  accept?: string;
}

export function call(cluster: PracticeCluster, path: string, o: RequestOptions = {}): Promise<Reply> {
  const url = new URL(path, cluster.url);
  const body = o.body === undefined ? undefined : typeof o.body === 'string' || Buffer.isBuffer(o.body) ? o.body : JSON.stringify(o.body);
  const headers: Record<string, string> = {};
  if (o.token !== null) headers.authorization = `Bearer ${o.token ?? cluster.token}`;
  if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  if (o.accept) headers.accept = o.accept;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: o.method ?? 'GET', headers, ca: caOf(cluster) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Opens a streaming GET (watch, log follow); `lines` fills as data arrives. */
export function stream(cluster: PracticeCluster, path: string): { lines: string[]; ended: Promise<void>; close: () => void; status: Promise<number> } {
  const url = new URL(path, cluster.url);
  const lines: string[] = [];
  let buffer = '';
  let close: () => void = () => undefined;
  let setStatus: (n: number) => void = () => undefined;
  const status = new Promise<number>((r) => (setStatus = r));
  const ended = new Promise<void>((resolve) => {
    const req = httpsRequest(url, { headers: { authorization: `Bearer ${cluster.token}` }, ca: caOf(cluster) }, (res) => {
      setStatus(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffer += c;
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        lines.push(...parts);
      });
      res.on('end', () => {
        if (buffer) lines.push(buffer);
        resolve();
      });
      res.on('error', () => resolve());
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
    close = () => req.destroy();
  });
  return { lines, ended, close, status };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function start(options: PracticeOptions = {}): Promise<PracticeCluster> {
  return startPracticeCluster({ ...options, knobs: { podReadyDelayMs: 50, ...options.knobs } });
}

export async function readyPod(cluster: PracticeCluster, namespace: string, selector: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return waitFor(`a Ready pod ${selector} in ${namespace}`, async () => {
    const r = await call(cluster, `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
    return r.json.items.find((p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')); // eslint-disable-line @typescript-eslint/no-explicit-any
  });
}

export const CURL_DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'curl' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'curl' } },
    template: { metadata: { labels: { app: 'curl' } }, spec: { containers: [{ name: 'curl', image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }] } },
  },
};

export const SERVICE_ENTRY = seedObject('http', 'ServiceEntry');
