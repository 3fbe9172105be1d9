// Conformance with the real kubectl (issue 15, the TLS origination track, lesson 21): the client
// credential made the way Istio's task makes it (`kubectl create secret generic --from-file`), shown
// by `kubectl get secret`, used by the gateway for DestinationRule MUTUAL; deleted, the gateway
// has nothing to present and curl through kubectl exec gets its 503.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayValues } from '../../src/lesson/course.js';
import { defaultLessonsDir, renderTemplate } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { Kubectl } from './kubectl.js';

let cluster: PracticeCluster;
let k: Kubectl;
const dir = mkdtempSync(join(tmpdir(), 'mtls-conformance-'));
const values = { httpHost: 'httpbin.org', namespace: 'default', istioNamespace: 'istio-system', ...gatewayValues('shared', 'default', 'istio-system') };
const lessonFile = (lesson: string, name: string): string => renderTemplate(readFileSync(join(defaultLessonsDir(), lesson, 'manifests', name), 'utf8'), values);

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 100 } });
  k = await Kubectl.for(cluster);
});
afterAll(async () => {
  await cluster.stop();
  await k.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('mutual TLS origination with kubectl', () => {
  it('create secret generic --from-file, get it, curl through the gateway; without the Secret a 503', async () => {
    // The lesson's demo credentials as files, the way the learner would hold their own.
    const secret = yaml.load(lessonFile('21-mutual-tls-origination', 'client-credential.yaml')) as { stringData: Record<string, string> };
    for (const [key, file] of [['tls.crt', 'client.crt'], ['tls.key', 'client.key'], ['ca.crt', 'ca.crt']]) writeFileSync(join(dir, file), secret.stringData[key]);
    // kubectl create sends core kinds as protobuf, which the practice cluster does not read: the
    // manifest kubectl makes (--dry-run=client -o yaml) is applied instead, as many scripts do.
    const made = await k.run(['create', 'secret', 'generic', 'client-credential-default', '-n', 'istio-system', `--from-file=tls.key=${join(dir, 'client.key')}`, `--from-file=tls.crt=${join(dir, 'client.crt')}`, `--from-file=ca.crt=${join(dir, 'ca.crt')}`, '--dry-run=client', '-o', 'yaml']);
    expect(made.code, made.stderr).toBe(0);
    const created = await k.apply(made.stdout);
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: 'secret/client-credential-default serverside-applied\n' });
    const get = await k.run(['get', 'secret', 'client-credential-default', '-n', 'istio-system']);
    expect(get.stdout).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\nclient-credential-default\s+Opaque\s+3\s+\S+\n$/);

    for (const [lesson, file] of [['02-setup', 'curl.yaml'], ['21-mutual-tls-origination', 'serviceentry.yaml'], ['21-mutual-tls-origination', 'gateway-destinationrule.yaml'], ['21-mutual-tls-origination', 'virtualservice.yaml'], ['21-mutual-tls-origination', 'originate-mutual.yaml']]) {
      const applied = await k.apply(lessonFile(lesson, file));
      expect(applied.code, applied.stderr).toBe(0);
    }
    const ready = await k.run(['wait', '--for=condition=Available', 'deployment/curl', '--timeout=20s']);
    expect(ready.code, ready.stderr).toBe(0);
    const curl = ['exec', 'deploy/curl', '-c', 'curl', '--', 'curl', '-sS', 'http://mtls.example.com/get'];
    const ok = await k.run(curl);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ url: 'https://mtls.example.com/get', ssl_client_verify: 'SUCCESS', ssl_client_s_dn: 'CN=client.example.com,O=client organization' });

    expect((await k.run(['delete', 'secret', 'client-credential-default', '-n', 'istio-system'])).stdout).toBe('secret "client-credential-default" deleted\n');
    const failed = await k.run(curl);
    expect(failed.stdout).toBe('upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: TLS error: Secret is not supplied by SDS');
  }, 60_000);
});
