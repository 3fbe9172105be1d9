// Small lesson folders in a temp dir, for loader tests.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach } from 'vitest';
import { loadLessonSet } from '../../src/lesson/index.js';

export const GOOD: Record<string, string> = {
  'course.yaml': `variables:
  - name: httpHost
    type: dns-name
    default: httpbin.org
    description:
      en: External HTTP host
      zh: 外部 HTTP 主机
  - name: httpPort
    type: port
    default: "80"
    description: { en: Its port, zh: 端口 }
targets:
  client:
    namespace: "{{namespace}}"
    labels: { app: curl }
    container: curl
  egressgateway:
    namespace: "{{istioNamespace}}"
    labels: { istio: egressgateway }
    container: istio-proxy
`,
  'glossary.yaml': `- en: egress gateway
  zh: 出口网关
  note: { en: The exit point, zh: 出口点 }
- en: ServiceEntry
  zh: 服务入口
`,
  '01-setup/lesson.yaml': `steps:
  - id: preflight
    kind: check
    checks: [cluster-reachable, egress-gateway]
  - id: client
    kind: apply
    manifests: [curl.yaml]
    waitFor: client
  - id: picture
    kind: explain
    diagram: path.txt
`,
  '01-setup/en.md': `# Setup

Deploy the client in {{namespace}}.

## Pre-flight {#preflight}

Checks the cluster.

\`\`\`sh
# not a heading: a shell comment
\`\`\`

## The client {#client}

Applies curl.

## The path {#picture}

Client to {{httpHost}}.
`,
  '01-setup/zh.md': `# 环境搭建

在 {{namespace}} 中部署客户端。

## 预检 {#preflight}

检查集群。

## 客户端 {#client}

部署 curl。

## 路径 {#picture}

客户端到 {{httpHost}}。
`,
  '01-setup/manifests/curl.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: curl
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: curl
spec:
  selector:
    matchLabels: { app: curl }
  template:
    metadata:
      labels: { app: curl }
    spec:
      containers:
      - name: curl
        image: curlimages/curl
`,
  '02-http/lesson.yaml': `requires: [01-setup]
steps:
  - id: service-entry
    kind: apply
    manifests: [serviceentry.yaml]
  - id: curl-direct
    kind: exec
    target: client
    command: [curl, -sS, -D, "-", "http://{{httpHost}}:{{httpPort}}/headers"]
    tagRequest: true
    expect: { httpStatus: 200 }
  - id: gateway-log
    kind: logs
    target: egressgateway
    expect:
      requestFrom: curl-direct
      authority: "{{httpHost}}"
      upstreamClusterContains: "outbound|80||{{httpHost}}"
  - id: cleanup
    kind: delete
    objects:
      - { apiVersion: networking.istio.io/v1, kind: ServiceEntry, name: cnn }
      - { apiVersion: v1, kind: ConfigMap, name: x, namespace: "{{istioNamespace}}" }
`,
  '02-http/en.md': `# HTTP

Send HTTP to {{httpHost}}.

## ServiceEntry {#service-entry}

Registers {{httpHost}}.

## Curl {#curl-direct}

Expect 200.

## The log {#gateway-log}

One line.

## Cleanup {#cleanup}

Removes it.
`,
  '02-http/zh.md': `# HTTP 请求

向 {{httpHost}} 发送 HTTP 请求。

## 服务入口 {#service-entry}

注册 {{httpHost}}。

## 发送请求 {#curl-direct}

应返回 200。

## 日志 {#gateway-log}

一行。

## 清理 {#cleanup}

删除。
`,
  '02-http/manifests/serviceentry.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
spec:
  hosts:
  - {{httpHost}}
  ports:
  - number: 80
    name: http-port
    protocol: HTTP
  resolution: DNS
`,
  'diagrams/path.txt': 'client -> sidecar -> {{httpHost}}\n',
};

/** Writes GOOD with `changes` applied (a value of null deletes the file); returns the folder. */
export function makeLessons(changes: Record<string, string | null> = {}): { dir: string; lessons: string; diagrams: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'et-lessons-'));
  const files = { ...GOOD, ...changes };
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) continue;
    const path = join(dir, rel.startsWith('diagrams/') ? rel : join('lessons', rel));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  mkdirSync(join(dir, 'lessons'), { recursive: true });
  mkdirSync(join(dir, 'diagrams'), { recursive: true });
  return { dir, lessons: join(dir, 'lessons'), diagrams: join(dir, 'diagrams'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** 1-based line of the only line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`fixture needle ${JSON.stringify(needle)} matches ${hits.length} lines`);
  return hits[0];
}

/** `text` with the only occurrence of `from` replaced. */
export function edit(rel: string, from: string, to: string): string {
  const text = GOOD[rel];
  if (text.split(from).length !== 2) throw new Error(`fixture ${rel} must contain ${JSON.stringify(from)} exactly once`);
  return text.replace(from, to);
}

/** `load(changes)`: loadLessonSet over GOOD with `changes`; the folders go after each test. */
export function useLessonLoader(): (changes: Record<string, string | null>) => ReturnType<typeof loadLessonSet> {
  let cleanups: (() => void)[] = [];
  afterEach(() => {
    cleanups.forEach((c) => c());
    cleanups = [];
  });
  return (changes) => {
    const f = makeLessons(changes);
    cleanups.push(f.cleanup);
    return loadLessonSet(f.lessons, { diagramsDir: f.diagrams });
  };
}
