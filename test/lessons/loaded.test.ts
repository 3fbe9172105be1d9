// The shipped lessons through the real loader (what the engine, `validate` and `manifests` see):
// they load without problems, both languages line up, variables reach every place, and the
// rendered manifests hold every seed manifest's spec.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { defaultLessonsDir, loadLessonSet, formatProblems, type KubeObject, type LessonSet, type Step } from '../../src/lesson/index.js';
import { validateIstioObject } from '../../src/schema/index.js';
import { DIAGRAMS_DIR, LESSONS_DIR, readGlossary } from './files.js';
import { SEED_APPLIES } from './seed.js';

/** The shipped lessons, loaded with no problems (tracks included); the seed's lessons only, which the tests below pin. */
function load(options: Parameters<typeof loadLessonSet>[1] = {}): LessonSet {
  const { set, problems } = loadLessonSet(LESSONS_DIR, options);
  expect(formatProblems(problems)).toBe('');
  expect(set).toBeDefined();
  return { ...set!, lessons: set!.lessons.filter((l) => !l.track) };
}

function stepsOf(set: LessonSet, kind: Step['kind']): { lesson: string; step: Step }[] {
  return set.lessons.flatMap((l) => l.steps.filter((s) => s.kind === kind).map((step) => ({ lesson: l.id, step })));
}

/** Every document the rendered manifests hold, as `egress-tutorial manifests` prints them. */
function renderedDocuments(set: LessonSet): KubeObject[] {
  return stepsOf(set, 'apply').flatMap(({ step }) =>
    step.kind === 'apply' ? step.manifests.flatMap((m) => (yaml.loadAll(m.yaml) as KubeObject[]).filter(Boolean)) : [],
  );
}


/** The seed's spec is the lessons' without the exportTo issue 11 adds to mesh-side objects. */
function withoutExportTo(spec: unknown): unknown {
  const { exportTo: _e, ...rest } = (spec ?? {}) as Record<string, unknown>;
  return rest;
}

describe('the shipped lessons, loaded', () => {
  it('the default lessons folder is this one, and it loads with no problems', () => {
    expect(join(defaultLessonsDir(), '/')).toBe(join(LESSONS_DIR, '/'));
    const set = load();
    expect(set.lessons.map((l) => l.id)).toHaveLength(7);
    expect(set.values).toMatchObject({ httpHost: 'httpbin.org', httpsHost: 'www.baidu.com', namespace: 'default', istioNamespace: 'istio-system' });
  });

  it('every lesson and step has its title and text in both languages', () => {
    for (const lesson of load().lessons) {
      for (const lang of ['en', 'zh'] as const) {
        expect(lesson.title[lang], `${lesson.id} title ${lang}`).not.toBe('');
        expect(lesson.summary[lang], `${lesson.id} summary ${lang}`).not.toBe('');
        for (const step of lesson.steps) {
          expect(step.title[lang], `${lesson.id}#${step.id} ${lang}`).not.toBe('');
          expect(step.body[lang], `${lesson.id}#${step.id} ${lang}`).not.toBe('');
          expect(step.body[lang], `${lesson.id}#${step.id} ${lang}: unrendered variable`).not.toMatch(/\{\{\s*\w+\s*\}\}/);
        }
      }
    }
  });

  it('the glossary arrives whole', () => {
    expect(load().glossary).toEqual(readGlossary());
  });

  it('explain steps carry their diagram text', () => {
    const withDiagram = stepsOf(load(), 'explain').filter(({ step }) => step.kind === 'explain' && step.diagram);
    expect(withDiagram).toHaveLength(4);
    for (const { step } of withDiagram) {
      if (step.kind !== 'explain') continue;
      expect(step.diagramText).toBe(readFileSync(join(DIAGRAMS_DIR, step.diagram!), 'utf8'));
    }
  });

  it('every rendered Istio manifest validates against the CRD schemas', () => {
    const istio = renderedDocuments(load()).filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    expect(istio).toHaveLength(10);
    for (const obj of istio) expect(validateIstioObject(obj), `${obj.kind}/${obj.metadata.name}`).toEqual([]);
  });

  it('the rendered manifests print every seed manifest: same spec, apart from apiVersion', () => {
    const docs = renderedDocuments(load());
    for (const seed of SEED_APPLIES) {
      for (const s of (yaml.loadAll(seed.yaml) as KubeObject[]).filter(Boolean)) {
        const same = docs.filter((d) => d.kind === s.kind && d.metadata.name === s.metadata.name && JSON.stringify(withoutExportTo(d.spec)) === JSON.stringify(s.spec));
        expect(same.length, `${s.kind}/${s.metadata.name} for ${seed.lesson}`).toBeGreaterThanOrEqual(1);
        expect(same[0].apiVersion).toBe('networking.istio.io/v1');
      }
    }
  });

  it('exec and logs steps act on the client and the egress gateway, with hosts filled in', () => {
    const set = load();
    for (const { step } of stepsOf(set, 'exec')) {
      if (step.kind !== 'exec') continue;
      expect(step.target).toEqual({ namespace: 'default', labels: { app: 'curl' }, container: 'curl' });
      expect(step.command.join(' ')).toMatch(/^curl -sSL -o \/dev\/null -D - (https?:\/\/httpbin\.org\/headers|https:\/\/www\.baidu\.com\?q=1)$/);
    }
    const logs = stepsOf(set, 'logs').map(({ step }) => step);
    expect(logs).toHaveLength(2);
    for (const step of logs) {
      if (step.kind !== 'logs') continue;
      expect(step.target).toEqual({ namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' });
    }
    expect(logs.map((s) => (s.kind === 'logs' ? s.expect : undefined))).toEqual([
      { requestFrom: 'curl-gateway', authority: 'httpbin.org', upstreamClusterContains: 'outbound|80||httpbin.org', responseCode: 200 },
      { requestFrom: 'curl-gateway', sni: 'www.baidu.com', upstreamClusterContains: 'outbound|443||www.baidu.com', responseCode: 0 },
    ]);
  });

  it('--set, -n and --istio-namespace reach prose, commands, targets and manifests', () => {
    const set = load({ set: { httpHost: 'example.com', httpsHost: 'example.org' }, namespace: 'team-a', istioNamespace: 'mesh-system' });
    const http = set.lessons.find((l) => l.id === '04-http-egress-gateway')!;
    expect(http.steps.find((s) => s.id === 'plan')!.body.en).toContain('example.com');
    expect(http.steps.find((s) => s.id === 'gateway-log')!.body.zh).toContain('mesh-system');
    const curl = http.steps.find((s) => s.id === 'curl-gateway')!;
    expect(curl.kind === 'exec' && curl.target.namespace).toBe('team-a');
    expect(curl.kind === 'exec' && curl.command.at(-1)).toBe('http://example.com/headers');
    const docs = renderedDocuments(set);
    const text = JSON.stringify(docs);
    expect(text).not.toMatch(/httpbin\.org|www\.baidu\.com|istio-system/);
    expect(text).toContain('istio-egressgateway.mesh-system.svc.cluster.local');
    for (const obj of docs.filter((o) => o.apiVersion.startsWith('networking.istio.io/'))) expect(validateIstioObject(obj)).toEqual([]);
  });

  it('a host that is not a DNS name is refused before it reaches a manifest', () => {
    const { set, problems } = loadLessonSet(LESSONS_DIR, { set: { httpHost: 'http://bad host/' } });
    expect(set).toBeUndefined();
    expect(formatProblems(problems)).toMatch(/httpHost/);
  });
});
