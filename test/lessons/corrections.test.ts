// Issue 13, "Corrections": every corrected statement pinned against the practice cluster's real
// output (the lessons run through the engine over real client-node) or against the lesson files.
// Log lines are compared modulo time, request ids, addresses, byte counts and durations.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine, Verdict } from '../../src/engine/types.js';
import { loadLessonSet, type KubeObject, type Lang, type LessonSet } from '../../src/lesson/index.js';
import { renderTemplate } from '../../src/lesson/template.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { DIAGRAMS_DIR, LESSONS_DIR, defaultValues, lessonIds, manifestFiles, proseSections, readGlossary, readLesson, readText } from './files.js';

const LANGS: Lang[] = ['en', 'zh'];
const values = defaultValues();

/** A step's prose with the default values filled in. */
function body(lesson: string, step: string, lang: Lang): string {
  const s = proseSections(lesson, lang).sections.find((x) => x.id === step);
  if (!s) throw new Error(`${lesson}/${lang}.md has no #${step}`);
  return renderTemplate(s.body, values);
}

/** The step's fenced `text` blocks, each joined into one line (the prose wraps long log lines). */
function textBlocks(lesson: string, step: string, lang: Lang): string[] {
  return [...body(lesson, step, lang).matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1].trim().split('\n').join(' '));
}

/** A log line with what differs per run replaced: time, request id, addresses, bytes, durations. */
function normalize(line: string): string {
  return line
    .replace(/^\[[^\]]+\]/, '[TIME]')
    .replace(/"(?:egress-tutorial-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"|"<x-request-id>"/g, '"ID"')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::(\d+))?/g, (_m, port?: string) => (port === undefined ? 'IP' : Number(port) >= 10000 ? 'IP:EPH' : `IP:${port}`))
    .replace(/ \d+ \d+ \d+ (?:\d+|-) "/, ' N N N N "');
}

/** Every ` ... `-separated fragment of `shown` appears in `real`, in order (both normalized). */
function expectFragmentsInOrder(shown: string, real: string): void {
  const line = normalize(real);
  let from = 0;
  for (const fragment of normalize(shown).split(' ... ')) {
    const at = line.indexOf(fragment, from);
    expect(at, `"${fragment}" in order in\n${line}`).toBeGreaterThanOrEqual(0);
    from = at + fragment.length;
  }
}

let practice: PracticeCluster;
let port: ClusterPort;
let engine: Engine;
let set: LessonSet;
let core: CoreV1Api;

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
  const loaded = loadLessonSet(LESSONS_DIR, { namespace: 'default', istioNamespace: 'istio-system' });
  expect(loaded.problems).toEqual([]);
  set = loaded.set!;
  engine = createEngine({ lessons: set, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 20_000 });
  const kc = new KubeConfig();
  kc.loadFromString(practice.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  const client = await run('02-setup', 'client');
  expect(client.ok).toBe(true);
}, 60_000);

afterAll(async () => {
  engine?.dispose();
  port?.close();
  await practice?.stop();
});

async function run(lesson: string, step: string): Promise<Verdict> {
  engine.openLesson(lesson, step);
  expect(`${engine.snapshot().lesson.id}/${engine.snapshot().step.id}`).toBe(`${lesson}/${step}`);
  const verdict = await engine.run();
  if (engine.snapshot().step.kind === 'logs') engine.cancel();
  return verdict;
}

async function runAll(lesson: string, steps: string[]): Promise<void> {
  for (const step of steps) expect((await run(lesson, step)).ok, `${lesson}/${step}`).toBe(true);
}

/** The last lines a container wrote, read with plain client-node (kubectl logs --tail). */
async function logTail(namespace: string, labelSelector: string, container: string, tailLines = 20): Promise<string[]> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector });
  const lines: string[] = [];
  for (const pod of pods.items) {
    const text = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace, container, tailLines });
    lines.push(...String(text).split('\n').filter((l) => l.startsWith('[')));
  }
  return lines;
}
const sidecarLog = () => logTail('default', 'app=curl', 'istio-proxy');
const gatewayLog = () => logTail('istio-system', 'istio=egressgateway', 'istio-proxy');

/** Exec curl in the client the way the lessons do, and return the status line's code and curl's exit code. */
async function curl(url: string): Promise<{ status?: number; exitCode: number }> {
  const pod = await port.waitForPod({ namespace: 'default', labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 10_000 });
  const r = await port.exec({ namespace: 'default', name: pod.name }, 'curl', ['curl', '-sSL', '-o', '/dev/null', '-D', '-', url], {});
  const codes = [...r.stdout.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => Number(m[1]));
  return { status: codes.at(-1), exitCode: r.exitCode };
}

function manifestObjects(lesson: string, file: string): KubeObject[] {
  const step = set.lessons.find((l) => l.id === lesson)!.steps.find((s) => s.kind === 'apply' && s.manifests.some((m) => m.file.endsWith(`/${file}`)));
  if (step?.kind !== 'apply') throw new Error(`no apply step with ${file}`);
  return step.manifests.find((m) => m.file.endsWith(`/${file}`))!.objects.map((o) => structuredClone(o));
}

describe('1. the proof line of lesson 4 is the line the practice gateway writes', () => {
  let proof: string;
  let sidecar: string;

  beforeAll(async () => {
    await runAll('04-http-egress-gateway', ['service-entry', 'curl-service-entry', 'gateway', 'virtual-service', 'curl-gateway']);
    const log = await run('04-http-egress-gateway', 'gateway-log');
    expect(log.ok).toBe(true);
    proof = log.proofLine!.text;
    sidecar = (await sidecarLog()).filter((l) => l.includes('outbound|80|cnn|')).at(-1)!;
  }, 60_000);

  it('lesson 4 shows it, in both languages, equal modulo time, ids, addresses, bytes and durations', () => {
    expect(proof).toContain('"GET /headers HTTP/2" 200');
    for (const lang of LANGS) expect(normalize(textBlocks('04-http-egress-gateway', 'read-log-line', lang)[0]), lang).toBe(normalize(proof));
  });

  it('the sidecar’s line for the same request says HTTP/1.1 and goes to subset cnn, as the lesson shows and explains', () => {
    expect(sidecar).toContain('"GET /headers HTTP/1.1" 200');
    for (const lang of LANGS) {
      expectFragmentsInOrder(textBlocks('04-http-egress-gateway', 'read-log-line', lang)[1], sidecar);
      expect(body('04-http-egress-gateway', 'read-log-line', lang)).toContain('`http2`');
    }
    expect(body('04-http-egress-gateway', 'read-log-line', 'en')).toMatch(/Each proxy logs the protocol it\s+received/);
    expect(body('04-http-egress-gateway', 'read-log-line', 'zh')).toMatch(/每个代理记录的是它收到的协议/);
  });

  it('the diagram’s proof fragments appear in the real line, in order', () => {
    const diagram = readFileSync(join(DIAGRAMS_DIR, 'http-egress.txt'), 'utf8');
    const proofText = /proof {2}gateway access log: ([\s\S]*?)\n\s*\(/.exec(diagram)![1].split('\n').map((l) => l.trim()).join(' ');
    expect(proofText).toBe('"GET /headers HTTP/2" 200 ... "httpbin.org" ... outbound|80||httpbin.org');
    expectFragmentsInOrder(proofText, proof);
    expect(diagram).not.toContain('HTTP/1.1');
  });

  it('9. HTTPS to 443 of the same host goes around the gateway: 200, no gateway line, a passthrough line in the sidecar', async () => {
    const before = await gatewayLog();
    const bypass = await run('04-http-egress-gateway', 'https-bypass');
    expect(bypass).toMatchObject({ ok: true, httpStatus: 200 });
    expect(await gatewayLog()).toEqual(before);
    const last = (await sidecarLog()).at(-1)!;
    expect(last).toMatch(/^\[[^\]]+\] "- - -" 0 .* outbound\|443\|\|httpbin\.org .* httpbin\.org -$/);
    for (const lang of LANGS) {
      const text = body('04-http-egress-gateway', 'https-bypass', lang);
      expect(text).toContain('outbound|443||httpbin.org');
      expect(text).toContain('HTTP/2 200');
    }
    expect(readLesson('04-http-egress-gateway').steps.find((s) => s.id === 'https-bypass')).toMatchObject({ kind: 'exec', command: ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'https://{{httpHost}}/headers'] });
  });

  it('5. a port mismatch is 503 UF,URX at the sidecar; a host mismatch is 404 NR at the gateway; the lessons say so', async () => {
    const [gateway] = manifestObjects('04-http-egress-gateway', 'gateway-destinationrule.yaml');
    const server = (gateway.spec as { servers: { port: { number: number; name: string }; hosts: string[] }[] }).servers[0];
    const apply = (obj: KubeObject) => port.apply([obj], { lesson: '04-http-egress-gateway', step: 'gateway', namespace: 'default' });

    try {
    server.port = { ...server.port, number: 443, name: 'http-443' };
    await apply(gateway);
    expect((await curl('http://httpbin.org/headers')).status).toBe(503);
    expect((await sidecarLog()).at(-1)).toContain(' 503 UF,URX ');

    server.port = { ...server.port, number: 80, name: 'http' };
    server.hosts = ['example.com'];
    await apply(gateway);
    expect((await curl('http://httpbin.org/headers')).status).toBe(404);
    expect((await gatewayLog()).at(-1)).toContain(' 404 NR route_not_found ');

    await apply(manifestObjects('04-http-egress-gateway', 'gateway-destinationrule.yaml')[0]);
    expect((await curl('http://httpbin.org/headers')).status).toBe(200);

    for (const lang of LANGS) {
      const curlGateway = body('04-http-egress-gateway', 'curl-gateway', lang);
      expect(curlGateway).toMatch(/`503`[，,] ?(?:flags|标志) `UF,URX`/);
      expect(curlGateway).toMatch(/`404`[，,] ?(?:flag|标志) `NR`/);
      expect(curlGateway).toContain('`hosts`');
      const reference = body('07-reference', 'failure-signatures', lang);
      expect(reference).toContain('`UF,URX`');
      // 404 NR is explained by hosts and the gateway's name, not by the port.
      const nr = reference.split('\n- ').find((item) => item.includes('`NR`'))!;
      expect(nr).toContain('`hosts`');
      expect(nr).not.toMatch(/port|端口/);
    }
    } finally {
      expect((await run('04-http-egress-gateway', 'cleanup')).ok).toBe(true);
    }
  }, 60_000);
});

describe('4. REGISTRY_ONLY: plain HTTP is the block_all 502 with cluster -, TLS is BlackHoleCluster (curl 35 or 56)', () => {
  let http: string;
  let tls: string;

  beforeAll(async () => {
    await runAll('03-outbound-policy-experiment', ['registry-only', 'curl-blocked', 'curl-https-blocked']);
    const lines = await sidecarLog();
    http = lines.filter((l) => l.includes('"GET /headers HTTP/1.1" 502')).at(-1)!;
    tls = lines.filter((l) => l.includes('"- - -" 0 UH')).at(-1)!;
    await runAll('03-outbound-policy-experiment', ['allow-host', 'curl-allowed', 'cleanup']);
  }, 60_000);

  it('the sidecar’s 502 line is the block_all route with upstream cluster -, as lesson 3 shows it', () => {
    expect(http).toMatch(/ 502 - direct_response .* "httpbin\.org" "-" - - .* - block_all$/);
    expect(http).not.toContain('BlackHoleCluster');
    for (const lang of LANGS) expectFragmentsInOrder(textBlocks('03-outbound-policy-experiment', 'curl-blocked', lang)[0], http);
  });

  it('the TLS refusal is BlackHoleCluster with flag UH, and lessons 3 and 7 document exit 56 next to 35', () => {
    expect(tls).toContain(' BlackHoleCluster ');
    for (const lang of LANGS) {
      const https = body('03-outbound-policy-experiment', 'curl-https-blocked', lang);
      expect(https).toContain('`BlackHoleCluster`');
      expect(https).toContain('`"- - -" 0 UH`');
      expect(https).toContain('curl: (56) Recv failure: Connection reset by peer');
      expect(body('03-outbound-policy-experiment', 'curl-blocked', lang)).not.toContain('BlackHoleCluster');
      expect(body('03-outbound-policy-experiment', 'curl-blocked', lang)).toContain('`content-length: 0`');
      expect(body('03-outbound-policy-experiment', 'curl-allowed', lang)).toContain('`block_all`');
      const reference = body('07-reference', 'failure-signatures', lang);
      expect(reference).toContain('`block_all`');
      expect(reference).toContain('curl: (56) Recv failure: Connection reset by peer');
      const blocked502 = reference.split('\n- ').find((item) => item.includes('`502`'))!;
      expect(blocked502).not.toContain('BlackHoleCluster');
    }
  });
});

describe('6. HTTPS vs TLS on the Gateway port', () => {
  it('HTTPS with PASSTHROUGH acts exactly like TLS with PASSTHROUGH on the practice gateway, and lesson 5’s line is the real one', async () => {
    await runAll('05-https-passthrough', ['service-entry', 'curl-service-entry', 'gateway-and-routes']);
    const objects = manifestObjects('05-https-passthrough', 'gateway-destinationrule-virtualservice.yaml');
    const gateway = objects.find((o) => o.kind === 'Gateway')!;
    (gateway.spec as { servers: { port: { protocol: string } }[] }).servers[0].port.protocol = 'HTTPS';
    await port.apply([gateway], { lesson: '05-https-passthrough', step: 'gateway-and-routes', namespace: 'default' });
    expect((await run('05-https-passthrough', 'curl-gateway')).ok).toBe(true);
    const log = await run('05-https-passthrough', 'gateway-log');
    expect(log.ok).toBe(true);
    for (const lang of LANGS) expect(normalize(textBlocks('05-https-passthrough', 'gateway-log', lang)[0]), lang).toBe(normalize(log.proofLine!.text));
    expect((await run('05-https-passthrough', 'cleanup')).ok).toBe(true);
  }, 60_000);

  it('lesson 5 says PASSTHROUGH is what is required, HTTPS+PASSTHROUGH equals TLS, HTTPS+SIMPLE terminates', () => {
    const en = body('05-https-passthrough', 'gateway-and-routes', 'en');
    expect(en).toMatch(/What is required is `PASSTHROUGH`/);
    expect(en).toMatch(/`protocol: HTTPS` with `PASSTHROUGH` acts\s+exactly like `TLS` with `PASSTHROUGH`/);
    expect(en).toMatch(/`HTTPS` with `SIMPLE` or `MUTUAL`/);
    const zh = body('05-https-passthrough', 'gateway-and-routes', 'zh');
    expect(zh).toMatch(/真正必需的是 `PASSTHROUGH`/);
    expect(zh).toMatch(/`protocol: HTTPS` 加 `PASSTHROUGH`，\s*与 `TLS` 加 `PASSTHROUGH` 的效果完全相同/);
    expect(zh).toMatch(/`HTTPS` 加 `SIMPLE` 或 `MUTUAL`/);
    // The ServiceEntry step no longer claims TLS and HTTPS differ there.
    expect(body('05-https-passthrough', 'service-entry', 'en')).toMatch(/`TLS` and `HTTPS` mean the same/);
    expect(body('05-https-passthrough', 'service-entry', 'zh')).toMatch(/`TLS` 和 `HTTPS` 对 Sidecar 来说是一回事/);
  });
});

describe('the lesson files', () => {
  const learnerFiles = (): { file: string; text: string }[] => [
    ...lessonIds().flatMap((l) => [
      ...LANGS.map((lang) => ({ file: `${l}/${lang}.md`, text: readText(l, `${lang}.md`) })),
      ...manifestFiles(l).map((f) => ({ file: `${l}/manifests/${f}`, text: readText(l, 'manifests', f) })), // shown before applying
    ]),
    ...lessonIds().map((l) => ({ file: `${l}/lesson.yaml learned`, text: JSON.stringify((readLesson(l) as { learned?: unknown }).learned ?? '') })),
    { file: 'glossary.yaml', text: JSON.stringify(readGlossary()) },
    { file: 'course.yaml', text: readText('course.yaml').split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n') },
    ...readdirSync(DIAGRAMS_DIR).map((f) => ({ file: f, text: readFileSync(join(DIAGRAMS_DIR, f), 'utf8') })),
  ];

  it('2. no learner-facing text says "the seed" or 种子笔记', () => {
    for (const { file, text } of learnerFiles()) expect(text, file).not.toMatch(/\bseed\b|种子/i);
  });

  it('2. lesson 1 and the reference cite the upstream task in English and Chinese, with the deliberate differences', () => {
    for (const [lesson, step] of [['01-reaching-external-services', 'upstream-task'], ['07-reference', 'upstream-task']]) {
      for (const lang of LANGS) {
        const text = body(lesson, step, lang);
        expect(text).toContain('https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway');
        expect(text).toContain('https://istio.io/latest/zh/docs/tasks/traffic-management/egress/egress-gateway');
        for (const difference of ['`curl`', '`sleep`', '`networking.istio.io/v1alpha3`', '`v1`', '`edition.cnn.com`']) expect(text, `${lesson} ${lang}`).toContain(difference);
        expect(text).toMatch(/access log|访问日志/i);
      }
    }
  });

  it('3. lesson 1 says in one step what differs in ambient mode', () => {
    for (const lang of LANGS) {
      const text = body('01-reaching-external-services', 'ambient', lang);
      for (const term of ['`istio.io/dataplane-mode=ambient`', '`ztunnel`', 'waypoint', '`istio.io/use-waypoint`', '`mesh`']) expect(text, lang).toContain(term);
    }
    expect(readLesson('02-setup').steps.find((s) => s.id === 'preflight')!.checks).toContain('dataplane-mode');
  });

  it('7. the resolution: NONE warning names Host spoofing where resolution is taught, and in the reference', () => {
    expect(body('04-http-egress-gateway', 'why-dns', 'en')).toMatch(/Any pod can connect to any IP\s+and send `Host: httpbin\.org`/);
    expect(body('04-http-egress-gateway', 'why-dns', 'zh')).toMatch(/任何 Pod 都可以连接任意 IP，同时发送\s*`Host: httpbin\.org`/);
    for (const lang of LANGS) {
      expect(body('04-http-egress-gateway', 'why-dns', lang)).toContain('`*.example.com`');
      expect(body('07-reference', 'pitfalls', lang)).toMatch(/Host (header|头)/);
    }
  });

  it('8. lesson 1 names the per-pod annotations and the install-wide includeIPRanges in separate sentences', () => {
    for (const lang of LANGS) {
      const text = body('01-reaching-external-services', 'four-ways', lang).replace(/\s+/g, ' ');
      const sentences = text.split(/(?<=\.)\s+|(?<=[。；])/);
      const annotation = sentences.filter((s) => s.includes('traffic.sidecar.istio.io/excludeOutboundIPRanges'));
      const global = sentences.filter((s) => s.includes('values.global.proxy.includeIPRanges'));
      expect(annotation.length, lang).toBeGreaterThan(0);
      expect(global.length, lang).toBeGreaterThan(0);
      for (const s of annotation) expect(s).not.toContain('includeIPRanges`');
      for (const s of global) expect(s).not.toContain('traffic.sidecar.istio.io');
    }
  });

  it('9. several hosts through one gateway: a list or "*" in the Gateway, the same subset', () => {
    for (const lang of LANGS) {
      const text = body('04-http-egress-gateway', 'more-hosts', lang);
      expect(text).toContain('`"*"`');
      expect(text).toContain('`cnn`');
      expect(text).toContain('- "api.example.com"');
    }
  });

  it('10. lesson 2 has the Helm gateway chart next to istioctl, with its 80/443 ports', () => {
    for (const lang of LANGS) {
      const text = body('02-setup', 'fix-install', lang);
      expect(text).toContain('helm install istio-egressgateway istio/gateway -n istio-system');
      expect(text).toContain('--set service.type=ClusterIP');
      expect(text).toContain('components.egressGateways[0].enabled=true');
      expect(text).toMatch(/80.*443/);
      expect(text).toMatch(/8080.*8443/);
    }
  });

  it('11. the reference’s Gateway API summary has two HTTPRoutes, one per hop, and the plain-text hop points to mutual TLS', () => {
    for (const lang of LANGS) {
      const api = body('07-reference', 'gateway-api', lang);
      for (const term of ['HTTPRoute', '`direct-cnn-to-egress-gateway`', '`forward-cnn-from-egress-gateway`', '`ServiceEntry`', '`Hostname`', '`cnn-egress-gateway-istio`', '`gatewayClassName: istio`', '`TLSRoute`']) expect(api, lang).toContain(term);
      const further = body('07-reference', 'going-further', lang);
      expect(further).toContain('`ISTIO_MUTUAL`');
      expect(further.replace(/\s+/g, ' ')).toContain('Egress Gateways with TLS Origination');
      expect(further).toMatch(/plain text|明文/);
    }
  });

  it('12. Chinese: 出口网关 throughout, 服务注册中心, 上游 only for Envoy’s upstream, 官方 for the Istio docs, no stray English', () => {
    for (const lesson of lessonIds()) {
      const zh = readText(lesson, 'zh.md');
      const prose = zh.replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '').replace(/https?:\/\/\S+/g, '').replace(/\{#[a-z0-9-]+\}/g, '');
      // The glossary may say once that other texts write Egress 网关.
      expect(prose.replace('其他资料中也写作 Egress 网关', ''), lesson).not.toMatch(/Egress ?网关|Ingress ?网关/);
      expect(prose, lesson).not.toContain('服务注册表');
      // 上游 is Envoy's upstream only: the upstream cluster, "no healthy upstream", and the glossary's definition.
      const flat = prose.replace(/\s+/g, '');
      expect(flat.replace(/上游集群|无健康上游|本教程中的“上游”只指Envoy的上游/g, ''), lesson).not.toContain('上游');
      // Lower-case English words inside Chinese sentences (kinds like Gateway stay; the glossary shows both languages).
      expect(prose.split('## 术语表')[0], lesson).not.toMatch(/\b(server|authority|gateway|upstream)\b/);
    }
    for (const lesson of lessonIds()) {
      const learned = (readLesson(lesson) as { learned?: { zh?: string } }).learned?.zh ?? '';
      expect(learned, `${lesson} learned`).not.toMatch(/Egress ?网关|服务注册表|种子/);
    }
    expect(readText('04-http-egress-gateway', 'zh.md')).toContain('## 清理 HTTP 网关 {#cleanup}');
    expect(readGlossary().find((t) => t.en === 'egress gateway')!.zh).toBe('出口网关');
    for (const lesson of ['01-reaching-external-services', '07-reference']) expect(body(lesson, 'upstream-task', 'zh')).toMatch(/官方文档|官方任务/);
  });

  it('both languages name the same code terms in every step', () => {
    const spans = (text: string) => new Set([...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/<[^>]*>/g, '<>')));
    for (const lesson of lessonIds()) {
      const zh = new Map(proseSections(lesson, 'zh').sections.map((s) => [s.id, s.body]));
      for (const s of proseSections(lesson, 'en').sections) expect([...spans(zh.get(s.id)!)].sort(), `${lesson}#${s.id}`).toEqual([...spans(s.body)].sort());
    }
  });
});
