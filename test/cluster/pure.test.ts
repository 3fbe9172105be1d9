// Pure pieces of the cluster layer: version choice, conflict diff, pod reading, backoff,
// mesh config, permission summaries, log line handling.
import { describe, expect, it } from 'vitest';
import { chooseVersion, pickApiVersion } from '../../src/cluster/kube/versions.js';
import { diffLines, formatDiff } from '../../src/cluster/kube/diff.js';
import { describeProgress, hasSidecar, pickReadyPod, podInfo, type RawPod } from '../../src/cluster/kube/pods.js';
import { retryDelay, sleep } from '../../src/cluster/kube/backoff.js';
import { accessLogTelemetry, parseMeshConfig, sidecarOutboundPolicy, telemetryEnablesAccessLog } from '../../src/cluster/kube/meshconfig.js';
import { summarizeMissing } from '../../src/cluster/kube/permissions.js';
import { LineSink, ResumePoint, splitTimestamp } from '../../src/cluster/kube/logs.js';
import { DecodingSink, exitCodeFromStatus } from '../../src/cluster/kube/exec.js';
import { isTutorialObject, labelValue } from '../../src/cluster/kube/ownership.js';
import { prepareObject } from '../../src/cluster/kube/apply.js';
import { ClusterError } from '../../src/cluster/port.js';

describe('version choice', () => {
  it('prefers v1, then v1beta1, then v1alpha3', () => {
    expect(chooseVersion(['v1alpha3', 'v1beta1', 'v1'])).toBe('v1');
    expect(chooseVersion(['v1alpha3', 'v1beta1'])).toBe('v1beta1');
    expect(chooseVersion(['v1alpha3'])).toBe('v1alpha3');
    expect(chooseVersion(['v2alpha1', 'v2'], 'v2')).toBe('v2');
    expect(chooseVersion([])).toBeUndefined();
  });

  it('substitutes the served version for Istio groups and keeps served built-in versions', () => {
    expect(pickApiVersion('networking.istio.io/v1', ['v1alpha3'])).toBe('networking.istio.io/v1alpha3');
    expect(pickApiVersion('networking.istio.io/v1alpha3', ['v1', 'v1beta1', 'v1alpha3'])).toBe('networking.istio.io/v1');
    expect(pickApiVersion('apps/v1', ['v1'])).toBe('apps/v1');
    expect(pickApiVersion('v1', ['v1'])).toBe('v1');
    expect(pickApiVersion('batch/v1beta1', ['v1'])).toBe('batch/v1');
    expect(pickApiVersion('networking.istio.io/v1', [])).toBeUndefined();
  });
});

describe('conflict diff', () => {
  const cluster = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'cnn', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { team: 'a' }, managedFields: [{ manager: 'kubectl' }] },
    spec: { hosts: ['edition.cnn.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], exportTo: ['.'] },
    status: { x: 1 },
  };
  const manifest = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'cnn', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'egress-tutorial' } },
    spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http-port', protocol: 'HTTP' }], resolution: 'DNS' },
  };

  it('names changed, added and cluster-only fields and ignores server-owned metadata', () => {
    const lines = diffLines(cluster, manifest);
    expect(lines).toContain('~ spec.hosts: ["edition.cnn.com"] → ["httpbin.org"]');
    expect(lines).toContain('~ spec.ports[0].name: "http" → "http-port"');
    expect(lines).toContain('+ spec.resolution: "DNS"');
    expect(lines).toContain('- spec.exportTo: ["."] (only in the cluster)');
    expect(lines).toContain('+ metadata.labels["app.kubernetes.io/managed-by"]: "egress-tutorial"');
    expect(lines.join('\n')).not.toMatch(/uid|resourceVersion|managedFields|status|team/);
  });

  it('says so when nothing differs', () => {
    expect(formatDiff(cluster, { ...cluster, metadata: { name: 'cnn', namespace: 'default' } })).toMatch(/No differences/);
  });
});

describe('pods', () => {
  const base: RawPod = {
    metadata: { name: 'curl-1', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'curl' }] },
    status: { phase: 'Pending', containerStatuses: [{ name: 'curl', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }] },
  };

  it('explains a pod stuck pulling its image', () => {
    expect(describeProgress(base)).toBe('pod curl-1 Pending: ImagePullBackOff (check the image name and that the nodes can reach the registry)');
  });

  it('finds the sidecar as a container or a native-sidecar init container', () => {
    expect(hasSidecar(base)).toBe(false);
    expect(hasSidecar({ ...base, spec: { containers: [{ name: 'curl' }, { name: 'istio-proxy' }] } })).toBe(true);
    expect(hasSidecar({ ...base, spec: { containers: [{ name: 'curl' }], initContainers: [{ name: 'istio-proxy', restartPolicy: 'Always' }] } })).toBe(true);
    expect(hasSidecar({ ...base, spec: { containers: [{ name: 'curl' }], initContainers: [{ name: 'istio-proxy' }] } })).toBe(false);
  });

  it('picks the newest Ready pod that is not terminating', () => {
    const ready = (name: string, created: string, extra: Partial<RawPod['metadata']> = {}): RawPod => ({
      metadata: { name, creationTimestamp: created, ...extra },
      spec: { containers: [{ name: 'curl' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const pods = [ready('old', '2026-01-01T00:00:00Z'), ready('newer', '2026-01-02T00:00:00Z'), ready('going', '2026-01-03T00:00:00Z', { deletionTimestamp: 'x' }), base];
    expect(pickReadyPod(pods)?.metadata?.name).toBe('newer');
    expect(podInfo(pods[1])).toMatchObject({ name: 'newer', phase: 'Running', ready: true, hasSidecar: false, containers: ['curl'] });
  });
});

describe('backoff', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it('grows exponentially, is capped, and honours Retry-After', () => {
    expect(retryDelay(1, policy, undefined, () => 0.5)).toBe(100);
    expect(retryDelay(3, policy, undefined, () => 0.5)).toBe(400);
    expect(retryDelay(10, policy, undefined, () => 0.5)).toBe(1000);
    expect(retryDelay(1, policy, '0')).toBe(0);
    // Retry-After is honoured (issue 16 item 7), with up to 10 % spread, up to the budget.
    expect(retryDelay(1, policy, '10', () => 0.5)).toBe(10_500);
    expect(retryDelay(1, policy, '60', () => 0.5)).toBe(30_000); // the default 30 s budget
    expect(retryDelay(1, { ...policy, budgetMs: 5000 }, '30', () => 0.5)).toBe(5000);
  });

  it('sleep rejects with a cancelled ClusterError when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal, 'waiting for a test');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'ClusterError', reason: 'cancelled' });
  });
});

describe('mesh config', () => {
  it('reads access log file and outbound policy, with Istio defaults when empty', () => {
    expect(parseMeshConfig('accessLogFile: /dev/stdout\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n')).toEqual({
      accessLogFile: '/dev/stdout',
      accessLogEncoding: undefined,
      outboundPolicy: 'REGISTRY_ONLY',
    });
    expect(parseMeshConfig('')).toMatchObject({ accessLogFile: undefined, outboundPolicy: 'ALLOW_ANY' });
    expect(parseMeshConfig('accessLogFile: ""')?.accessLogFile).toBeUndefined();
    expect(parseMeshConfig('{ not yaml')).toBeUndefined();
  });

  it('recognises a mesh-wide Telemetry that enables access logs, and namespace Sidecar overrides', () => {
    const t = accessLogTelemetry('telemetry.istio.io/v1', 'istio-system');
    expect(telemetryEnablesAccessLog([t], 'istio-system')).toBe(t);
    expect(telemetryEnablesAccessLog([{ ...t, metadata: { name: 'x', namespace: 'default' } }], 'istio-system')).toBeUndefined();
    expect(telemetryEnablesAccessLog([{ ...t, spec: { accessLogging: [{ disabled: true }] } }], 'istio-system')).toBeUndefined();
    expect(sidecarOutboundPolicy([{ spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }])).toBe('REGISTRY_ONLY');
    expect(sidecarOutboundPolicy([{ spec: { workloadSelector: {}, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }])).toBeUndefined();
  });
});

describe('permissions', () => {
  it('groups missing verbs by resource', () => {
    expect(
      summarizeMissing([
        { verb: 'create', group: 'networking.istio.io', resource: 'gateways', namespace: 'default' },
        { verb: 'patch', group: 'networking.istio.io', resource: 'gateways', namespace: 'default' },
        { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'default' },
      ]),
    ).toEqual(['create, patch gateways.networking.istio.io in default', 'create pods/exec in default']);
  });
});

describe('log lines', () => {
  it('splits the timestamp kube adds', () => {
    expect(splitTimestamp('2026-11-24T06:11:21.123456789Z [2026] "GET /headers"')).toEqual({
      ts: Date.parse('2026-11-24T06:11:21.123Z'),
      tsText: '2026-11-24T06:11:21.123456789Z',
      text: '[2026] "GET /headers"',
    });
    expect(splitTimestamp('no timestamp here')).toEqual({ text: 'no timestamp here' });
  });

  it('drops lines an earlier connection delivered, keeps new ones with the same timestamp', () => {
    const r = new ResumePoint();
    expect(r.accept(1000, 'a')).toBe(true);
    expect(r.accept(2000, 'b')).toBe(true);
    expect(r.accept(2000, 'c')).toBe(true);
    // reconnect from second 2: the server repeats b and c, then d arrives
    expect(r.accept(1000, 'a')).toBe(false);
    expect(r.accept(2000, 'b')).toBe(false);
    expect(r.accept(2000, 'c')).toBe(false);
    expect(r.accept(2000, 'd')).toBe(true);
    expect(r.accept(3000, 'b')).toBe(true);
  });

  it('LineSink keeps a multi-byte character split across chunks whole and flushes the last line', async () => {
    const lines: string[] = [];
    const sink = new LineSink((l) => lines.push(l));
    const bytes = Buffer.from('出口网关 one\r\ntwo 服务入口\nlast');
    sink.write(bytes.subarray(0, 2));
    sink.write(bytes.subarray(2, 20));
    sink.write(bytes.subarray(20));
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(lines).toEqual(['出口网关 one', 'two 服务入口', 'last']);
  });
});

describe('exec output', () => {
  it('DecodingSink decodes UTF-8 split across frames', async () => {
    const seen: string[] = [];
    const sink = new DecodingSink((t) => seen.push(t));
    const bytes = Buffer.from('HTTP/1.1 200 OK — 好');
    sink.write(bytes.subarray(0, bytes.length - 2));
    sink.write(bytes.subarray(bytes.length - 2));
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(sink.text).toBe('HTTP/1.1 200 OK — 好');
    expect(seen.join('')).toBe('HTTP/1.1 200 OK — 好');
    expect(seen.some((t) => t.includes('\uFFFD'))).toBe(false);
  });

  it('reads the exit code from the status channel', () => {
    expect(exitCodeFromStatus({ status: 'Success' })).toBe(0);
    expect(exitCodeFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } })).toBe(7);
    expect(exitCodeFromStatus({ status: 'Failure', reason: 'InternalError', message: 'container not found' })).toBeUndefined();
  });
});

describe('ownership and preparation', () => {
  it('an object is the tutorial\'s with the label and, where recorded, the field manager', () => {
    const labels = { 'app.kubernetes.io/managed-by': 'egress-tutorial' };
    expect(isTutorialObject({ metadata: { labels } })).toBe(true);
    expect(isTutorialObject({ metadata: { labels, managedFields: [{ manager: 'egress-tutorial' }] } })).toBe(true);
    expect(isTutorialObject({ metadata: { labels, managedFields: [{ manager: 'kubectl' }] } })).toBe(false);
    expect(isTutorialObject({ metadata: { managedFields: [{ manager: 'egress-tutorial' }] } })).toBe(false);
    expect(labelValue('04 http/gateway!')).toBe('04-http-gateway');
  });

  it('prepareObject clones, labels, fills the namespace and the served version, leaving the input untouched', () => {
    const source = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g', labels: { a: 'b' } }, spec: { servers: [] } };
    const before = JSON.stringify(source);
    const out = prepareObject(source, { apiVersion: 'networking.istio.io/v1alpha3', kind: 'Gateway', plural: 'gateways', namespaced: true, verbs: [] }, { lesson: 'l1', step: 's1', namespace: 'ns' });
    expect(JSON.stringify(source)).toBe(before);
    expect(out).toMatchObject({
      apiVersion: 'networking.istio.io/v1alpha3',
      metadata: { name: 'g', namespace: 'ns', labels: { a: 'b', 'app.kubernetes.io/managed-by': 'egress-tutorial', 'egress-tutorial.dev/lesson': 'l1', 'egress-tutorial.dev/step': 's1' } },
    });
    expect(out.spec).not.toBe(source.spec);
  });

  it('ClusterError carries a reason', () => {
    expect(new ClusterError('x', 'timeout').reason).toBe('timeout');
  });
});
