// The shipped lessons, read from disk: structure, both languages, diagrams, glossary, prose size,
// manifests against the Istio CRD schemas, and the seed's manifests, commands and cleanups.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import stringWidth from 'string-width';
import { validateIstioObject } from '../../src/schema/index.js';
import { exportToProblems } from '../../src/lesson/export-to.js';
import { BUILTIN_VARIABLES } from '../../src/lesson/course.js';
import { renderTemplate } from '../../src/lesson/template.js';
import type { GatewayMode, KubeObject, Lang } from '../../src/lesson/model.js';
import {
  DIAGRAMS_DIR,
  defaultValues,
  lessonIds,
  manifestFiles,
  proseSections,
  readCourse,
  readGlossary,
  readLesson,
  readText,
  stepObjects,
  type RawStep,
} from './files.js';
import { SEED_APPLIES, SEED_CLEANUPS, SEED_CURL_FLAGS, SEED_CURL_URLS } from './seed.js';

const LANGS: Lang[] = ['en', 'zh'];
const MODES: GatewayMode[] = ['shared', 'own'];
const LESSONS = lessonIds();
/** The seed's lessons (no `track:`): the tests below that pin the seed's objects and steps read these. */
const CORE = LESSONS.filter((l) => !readLesson(l).track);
const STEP_KINDS = ['explain', 'apply', 'delete', 'exec', 'logs', 'check'];
const CHECK_NAMES = [
  'cluster-reachable', 'istio-crds', 'istio-namespace', 'egress-gateway', 'access-logging',
  'sidecar-injection', 'outbound-policy', 'permissions', 'client-ready', 'shared-gateway', 'dataplane-mode',
  'network-policy-enforced', 'gateway-secrets', 'ambient-mode', 'gateway-api-crds', 'gateway-api-tls', 'route-visibility',
];

function steps(lesson: string, kind?: string, mode?: GatewayMode): RawStep[] {
  return readLesson(lesson).steps.filter((s) => (kind === undefined || s.kind === kind) && (mode === undefined || !s.when?.gateway || s.when.gateway === mode));
}

/** Every step of that kind in the seed's lessons; with a mode, only the steps that mode walks (`when: { gateway }`). */
function allSteps(kind?: string, mode?: GatewayMode): { lesson: string; step: RawStep }[] {
  return CORE.flatMap((lesson) => steps(lesson, kind, mode).map((step) => ({ lesson, step })));
}

const MESH_SIDE = ['ServiceEntry', 'VirtualService', 'DestinationRule'];

/** Lines a text takes on a terminal `width` columns wide (CJK counts double). */
function terminalLines(text: string, width: number): number {
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(stringWidth(line) / width)), 0);
}

describe('lesson folders', () => {
  it('hold the seed in order: ways out, setup, experiment, HTTP, HTTPS, cleanup, reference; the tracks after them', () => {
    const core = LESSONS.filter((l) => !readLesson(l).track);
    expect(LESSONS.slice(0, core.length)).toEqual(core);
    expect(core).toEqual([
      '01-reaching-external-services',
      '02-setup',
      '03-outbound-policy-experiment',
      '04-http-egress-gateway',
      '05-https-passthrough',
      '06-cleanup',
      '07-reference',
    ]);
  });

  it.each(LESSONS)('%s: lesson.yaml, en.md and zh.md name the same step ids in the same order', (lesson) => {
    const ids = steps(lesson).map((s) => s.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    for (const lang of LANGS) expect(proseSections(lesson, lang).sections.map((s) => s.id)).toEqual(ids);
  });

  it.each(LESSONS)('%s: every step has a known kind, a title and text in both languages', (lesson) => {
    for (const step of steps(lesson)) expect(STEP_KINDS).toContain(step.kind);
    for (const lang of LANGS) {
      const prose = proseSections(lesson, lang);
      expect(prose.title, `${lesson}/${lang}.md title`).not.toBe('');
      for (const s of prose.sections) {
        expect(s.title, `${lesson}/${lang}.md #${s.id}`).not.toBe('');
        expect(s.body.trim(), `${lesson}/${lang}.md #${s.id}`).not.toBe('');
      }
    }
  });

  it.each(LESSONS)('%s: the Chinese prose is Chinese and the English prose is not', (lesson) => {
    for (const s of proseSections(lesson, 'zh').sections) expect(s.body, `#${s.id}`).toMatch(/[\u4e00-\u9fff]/);
    // The glossary shows both languages by design.
    const english = proseSections(lesson, 'en').sections.filter((s) => !s.id.startsWith('glossary'));
    for (const s of english) expect(s.body, `#${s.id}`).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('requires only earlier lessons, and every lesson that uses the client requires setup', () => {
    LESSONS.forEach((lesson, i) => {
      for (const r of readLesson(lesson).requires ?? []) expect(LESSONS.slice(0, i)).toContain(r);
      const usesClient = steps(lesson).some((s) => s.target === 'client' || s.kind === 'delete' && s.objects?.some((o) => o.name === 'curl'));
      if (usesClient) expect(readLesson(lesson).requires ?? []).toContain('02-setup');
    });
  });

  it('uses only known check names, targets and variables', () => {
    const course = readCourse();
    const known = new Set([...BUILTIN_VARIABLES, ...course.variables.map((v) => v.name)]);
    for (const lesson of LESSONS) for (const step of steps(lesson, 'check')) for (const c of step.checks ?? []) expect(CHECK_NAMES).toContain(c);
    for (const { step } of allSteps()) {
      if (step.target) expect(Object.keys(course.targets)).toContain(step.target);
      if (step.waitFor) expect(Object.keys(course.targets)).toContain(step.waitFor);
    }
    const texts = LESSONS.flatMap((l) => [
      readText(l, 'lesson.yaml'), readText(l, 'en.md'), readText(l, 'zh.md'),
      ...manifestFiles(l).map((f) => readText(l, 'manifests', f)),
    ]);
    for (const text of [...texts, readText('course.yaml')]) {
      for (const m of text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) expect(known, m[0]).toContain(m[1]);
    }
  });

  it('every apply step names manifests that exist, and every manifest file is applied', () => {
    for (const lesson of LESSONS) {
      // A file may be applied twice (a lesson's fix re-applies the good version).
      const applied = [...new Set(steps(lesson, 'apply').filter((s) => !s.from).flatMap((s) => s.manifests ?? []))];
      expect(applied.sort()).toEqual(manifestFiles(lesson));
      // A step applying another lesson's manifests (from:) names files that lesson has.
      for (const s of steps(lesson, 'apply').filter((x) => x.from)) for (const f of s.manifests ?? []) expect(manifestFiles(s.from!), `${lesson}/${s.id}`).toContain(f);
    }
  });
});

describe('course.yaml', () => {
  it('declares the two hosts with the seed values as defaults, as DNS names, described in both languages', () => {
    const { variables } = readCourse();
    expect(variables.map((v) => [v.name, v.type, v.default])).toEqual([
      ['httpHost', 'dns-name', 'httpbin.org'],
      ['httpsHost', 'dns-name', 'www.baidu.com'],
    ]);
    for (const v of variables) for (const lang of LANGS) expect(v.description[lang]).toBeTruthy();
  });

  it('targets the curl client and the egress gateway pods of the gateway mode', () => {
    expect(readCourse().targets).toEqual({
      client: { namespace: '{{namespace}}', labels: { app: 'curl' }, container: 'curl' },
      egressgateway: { namespace: '{{gatewayNamespace}}', labels: { istio: '{{gatewayLabel}}' }, container: 'istio-proxy' },
    });
  });
});

describe('prose size', () => {
  it('keeps every step to a screenful or two of an 80×24 terminal', () => {
    for (const lesson of LESSONS) {
      for (const lang of LANGS) {
        for (const s of proseSections(lesson, lang).sections) {
          expect(terminalLines(s.body.trim(), 78), `${lesson}/${lang}.md #${s.id}`).toBeLessThanOrEqual(44);
        }
      }
    }
  });
});

describe('prose lines', () => {
  // Markdown soft breaks stay line breaks on the terminal, so every source line must fit 80
  // columns as displayed (no backticks or ** markers, variables filled in, list indent added).
  it.each(MODES)('fit an 80-column terminal as displayed, in both languages (gateway %s)', (mode) => {
    const values = defaultValues(mode, mode === 'own' ? 'learner-01' : 'default');
    for (const lesson of LESSONS) {
      for (const lang of LANGS) {
        let inFence = false;
        for (const [i, line] of readText(lesson, `${lang}.md`).split('\n').entries()) {
          if (/^ {0,3}(```|~~~)/.test(line)) inFence = !inFence;
          if (inFence || line.startsWith('#') || lesson === '07-reference' && /^- \*\*/.test(line)) continue;
          const shown = renderTemplate(line, values).replace(/\*\*|`/g, '');
          // A bare URL cannot be wrapped: it may use the whole 80 columns.
          if (/^https?:\/\/\S+$/.test(line)) {
            expect(stringWidth(line), `${lesson}/${lang}.md:${i + 1}`).toBeLessThanOrEqual(80);
            continue;
          }
          expect(stringWidth(shown) + (/^\s*(- |\d+\. )/.test(line) || /^\s{2,}/.test(line) ? 2 : 0), `${lesson}/${lang}.md:${i + 1}`).toBeLessThanOrEqual(78);
        }
      }
    }
  });

  it('host names in prose are code, so the Markdown renderer does not turn www.… into links', () => {
    for (const lesson of LESSONS) {
      for (const lang of LANGS) {
        let inFence = false;
        for (const [i, line] of readText(lesson, `${lang}.md`).split('\n').entries()) {
          if (/^ {0,3}(```|~~~)/.test(line)) inFence = !inFence;
          if (inFence) continue;
          const outsideCode = line.replace(/`[^`]*`/g, '');
          expect(outsideCode, `${lesson}/${lang}.md:${i + 1}`).not.toMatch(/\{\{\s*https?Host\s*\}\}|\bwww\./);
        }
      }
    }
  });
});

describe('code blocks', () => {
  it.each(MODES)('fit an 80-column terminal once the default values are filled in (gateway %s)', (mode) => {
    const values = defaultValues(mode, mode === 'own' ? 'learner-01' : 'default');
    for (const lesson of LESSONS) {
      for (const lang of LANGS) {
        let inFence = false;
        for (const [i, line] of readText(lesson, `${lang}.md`).split('\n').entries()) {
          if (/^ {0,3}(```|~~~)/.test(line)) inFence = !inFence;
          else if (inFence) expect(stringWidth(renderTemplate(line, values)), `${lesson}/${lang}.md:${i + 1}`).toBeLessThanOrEqual(78);
        }
      }
    }
  });
});

describe('diagrams', () => {
  const files = readdirSync(DIAGRAMS_DIR).filter((f) => f.endsWith('.txt')).sort();

  it('are the HTTP path, the TLS passthrough path and the passthrough/origination comparison', () => {
    expect(files).toEqual(['http-egress.txt', 'tls-origination.txt', 'tls-passthrough.txt']);
  });

  it.each(files)('%s: at most 76 columns, no CJK, no colour codes, no tabs', (file) => {
    const text = readFileSync(join(DIAGRAMS_DIR, file), 'utf8');
    for (const [i, line] of text.split('\n').entries()) {
      expect([...line].length, `${file}:${i + 1}`).toBeLessThanOrEqual(76);
      expect(stringWidth(line), `${file}:${i + 1}`).toBe([...line].length);
      expect(line, `${file}:${i + 1}`).not.toMatch(/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\t\x1b]/);
    }
  });

  it('are each shown on an explain step, the HTTP one where the seed shows its first picture and the TLS one at the HTTPS part', () => {
    const shown = allSteps('explain').filter(({ step }) => step.diagram).map(({ lesson, step }) => [lesson, step.id, step.diagram]);
    expect(shown).toEqual([
      ['01-reaching-external-services', 'goal', 'http-egress.txt'],
      ['04-http-egress-gateway', 'plan', 'http-egress.txt'],
      ['05-https-passthrough', 'plan', 'tls-passthrough.txt'],
      ['05-https-passthrough', 'why-passthrough', 'tls-origination.txt'],
    ]);
    for (const [, , d] of shown) expect(files).toContain(d);
  });

  it('the box art lines up: every line of a box has the same width', () => {
    for (const file of ['http-egress.txt', 'tls-passthrough.txt']) {
      const lines = readFileSync(join(DIAGRAMS_DIR, file), 'utf8').split('\n');
      const boxLines = lines.filter((l) => /^[┌│└]/.test(l));
      expect(boxLines.length).toBeGreaterThan(4);
      expect(new Set(boxLines.map((l) => [...l].length)).size, file).toBe(1);
    }
  });
});

describe('glossary', () => {
  const glossary = readGlossary();

  it('has the task’s terms, each in both languages', () => {
    const pairs = new Map(glossary.map((t) => [t.en, t.zh]));
    expect(pairs.get('ServiceEntry')).toContain('服务入口');
    // Issue 13: one Chinese term per concept (出口网关, not mixed with Egress 网关).
    expect(pairs.get('egress gateway')).toBe('出口网关');
    expect(pairs.get('ingress gateway')).toBe('入口网关');
    expect(pairs.get('service registry')).toBe('服务注册中心');
    expect(pairs.get('DestinationRule')).toContain('目标规则');
    expect(pairs.get('VirtualService')).toContain('虚拟服务');
    expect(pairs.get('Gateway')).toContain('网关');
    expect(pairs.get('sidecar')).toContain('边车');
    for (const t of glossary) {
      expect(t.en.trim()).not.toBe('');
      expect(t.zh).toMatch(/[\u4e00-\u9fff]/);
      if (t.note) for (const lang of LANGS) expect(t.note[lang].trim()).not.toBe('');
    }
  });

  it('is shown in full, in both languages, by the glossary steps of the reference lesson', () => {
    for (const lang of LANGS) {
      const text = proseSections('07-reference', lang).sections
        .filter((s) => s.id.startsWith('glossary'))
        .map((s) => s.body)
        .join('\n');
      // Prose is wrapped: compare without whitespace.
      const flat = (x: string) => x.replace(/\s+/g, '');
      for (const t of glossary) {
        expect(flat(text), `${lang}: ${t.en}`).toContain(flat(t.en));
        expect(flat(text), `${lang}: ${t.zh}`).toContain(flat(t.zh));
        if (t.note) expect(flat(text), `${lang}: note on ${t.en}`).toContain(flat(t.note[lang]));
      }
    }
  });
});

describe('manifests', () => {
  const values = defaultValues();
  const applies = allSteps('apply', 'shared');

  it.each(MODES)('every Istio object validates against the Istio CRD schemas, and istiod would take its exportTo (gateway %s)', (mode) => {
    const namespace = mode === 'own' ? 'learner-01' : 'default';
    const modeValues = defaultValues(mode, namespace);
    let istio = 0;
    for (const { lesson, step } of allSteps('apply', mode)) {
      for (const obj of stepObjects(lesson, step, modeValues)) {
        if (!obj.apiVersion.startsWith('networking.istio.io/')) continue;
        istio++;
        expect(validateIstioObject(obj), `${lesson} ${obj.kind}/${obj.metadata.name}`).toEqual([]);
        if (MESH_SIDE.includes(obj.kind)) expect(exportToProblems(obj.kind, namespace, (obj.spec as { exportTo?: unknown }).exportTo), `${lesson} ${obj.kind}`).toEqual([]);
      }
    }
    expect(istio).toBe(10); // 2 in the experiment, 4 for HTTP, 4 for HTTPS
  });

  it.each(MODES)('every mesh-side object is exported to its namespace and the gateway\'s only (gateway %s)', (mode) => {
    const namespace = mode === 'own' ? 'learner-01' : 'default';
    const expected = mode === 'own' ? ['.'] : ['.', 'istio-system'];
    let meshSide = 0;
    for (const { lesson, step } of allSteps('apply', mode)) {
      for (const obj of stepObjects(lesson, step, defaultValues(mode, namespace))) {
        if (!MESH_SIDE.includes(obj.kind)) continue;
        meshSide++;
        expect((obj.spec as { exportTo?: unknown }).exportTo, `${lesson} ${obj.kind}/${obj.metadata.name}`).toEqual(expected);
      }
    }
    expect(meshSide).toBe(7); // the experiment's ServiceEntry; ServiceEntry, DestinationRule, VirtualService twice
  });

  it('own mode points the Gateway selector, the DestinationRule host and the mesh route at the learner\'s gateway', () => {
    const own = defaultValues('own', 'learner-01');
    const objects = allSteps('apply', 'own').filter(({ lesson }) => lesson.startsWith('04-') || lesson.startsWith('05-')).flatMap(({ lesson, step }) => stepObjects(lesson, step, own));
    const text = JSON.stringify(objects);
    expect(text).not.toContain('istio-system');
    for (const gw of objects.filter((o) => o.kind === 'Gateway')) expect((gw.spec as { selector: unknown }).selector).toEqual({ istio: 'egressgateway-learner-01' });
    for (const dr of objects.filter((o) => o.kind === 'DestinationRule')) expect((dr.spec as { host: string }).host).toBe('egressgateway.learner-01.svc.cluster.local');
    expect(text.match(/"host":"egressgateway\.learner-01\.svc\.cluster\.local"/g)?.length).toBe(4); // 2 DestinationRules, 2 mesh routes
  });

  it('own mode deploys the learner\'s gateway in lesson 2 as contract C1 says, and removes it in lesson 6', () => {
    const own = defaultValues('own', 'learner-01');
    const deploy = steps('02-setup', 'apply', 'own').find((s) => s.id === 'own-gateway')!;
    expect(deploy).toMatchObject({ when: { gateway: 'own' }, manifests: ['egress-gateway.yaml'], waitFor: 'egressgateway' });
    expect(steps('02-setup', 'apply', 'shared').map((s) => s.id)).toEqual(['client']);
    const [sa, svc, dep] = stepObjects('02-setup', deploy, own) as (KubeObject & { spec: Record<string, any> })[];
    expect([sa, svc, dep].map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/egressgateway', 'Service/egressgateway', 'Deployment/egressgateway']);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.selector).toEqual({ istio: 'egressgateway-learner-01' });
    expect(svc.spec.ports).toEqual([{ name: 'http2', port: 80, targetPort: 80 }, { name: 'https', port: 443, targetPort: 443 }]);
    const template = dep.spec.template;
    expect(template.metadata.labels).toEqual({ app: 'egressgateway', istio: 'egressgateway-learner-01', 'sidecar.istio.io/inject': 'true' });
    expect(template.metadata.annotations).toEqual({ 'inject.istio.io/templates': 'gateway' });
    expect(template.spec.serviceAccountName).toBe('egressgateway');
    expect(template.spec.containers).toEqual([{ name: 'istio-proxy', image: 'auto' }]);
    expect(steps('06-cleanup', 'delete', 'own').map((s) => s.id)).toEqual(['remove-client', 'remove-own-gateway']);
    expect(steps('06-cleanup', 'delete', 'shared').map((s) => s.id)).toEqual(['remove-client']);
  });

  it('Istio objects are written as networking.istio.io/v1 and leave the namespace to the client namespace', () => {
    for (const { lesson, step } of applies) {
      for (const obj of stepObjects(lesson, step, values)) {
        if (obj.apiVersion.includes('istio.io')) expect(obj.apiVersion, `${lesson} ${obj.kind}`).toBe('networking.istio.io/v1');
        expect(obj.metadata.namespace, `${lesson} ${obj.kind}/${obj.metadata.name}`).toBeUndefined();
      }
    }
  });

  it.each(SEED_APPLIES.map((s, i) => [i + 1, s.lesson, s] as const))(
    'seed apply block %i is one apply step of %s, with the same kinds, names and specs',
    (_n, lesson, seed) => {
      const seedObjects = (yaml.loadAll(seed.yaml) as KubeObject[]).filter(Boolean);
      const matches = steps(lesson, 'apply').filter((step) => {
        const objects = stepObjects(lesson, step, values);
        return (
          objects.length === seedObjects.length &&
          seedObjects.every((s, i) => objects[i].kind === s.kind && objects[i].metadata.name === s.metadata.name)
        );
      });
      expect(matches).toHaveLength(1);
      const objects = stepObjects(lesson, matches[0], values);
      seedObjects.forEach((s, i) => {
        expect(s.apiVersion).toBe('networking.istio.io/v1alpha3');
        expect(objects[i].apiVersion).toBe('networking.istio.io/v1');
        // The seed's spec, plus the exportTo that keeps a learner's objects from other namespaces (issue 11).
        const { exportTo, ...spec } = objects[i].spec as Record<string, unknown>;
        expect(spec, `${s.kind}/${s.metadata.name}`).toEqual(s.spec);
        expect(exportTo).toEqual(MESH_SIDE.includes(s.kind) ? ['.', 'istio-system'] : undefined);
      });
    },
  );

  it('the client is upstream’s curl sample, verbatim with its Apache-2.0 header', () => {
    const text = readText('02-setup', 'manifests', 'curl.yaml');
    expect(text.startsWith('# Copyright Istio Authors')).toBe(true);
    expect(text).toContain('Licensed under the Apache License, Version 2.0');
    const objects = (yaml.loadAll(text) as KubeObject[]).filter(Boolean);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/curl', 'Service/curl', 'Deployment/curl']);
    const deployment = objects[2] as KubeObject & { spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string }[] } } } };
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'curl' });
    expect(deployment.spec.template.spec.containers.map((c) => c.name)).toEqual(['curl']);
  });

  it('--set hosts and the Istio namespace reach every manifest: no seed value is left behind', () => {
    const custom = { ...defaultValues('shared', 'default', 'mesh-system'), httpHost: 'example.com', httpsHost: 'example.org' };
    let objects = 0;
    for (const { lesson, step } of applies) {
      for (const obj of stepObjects(lesson, step, custom)) {
        objects++;
        const text = JSON.stringify(obj);
        expect(text, `${lesson} ${obj.kind}`).not.toMatch(/httpbin\.org|www\.baidu\.com|istio-system/);
      }
    }
    expect(objects).toBe(13); // the 10 Istio objects and curl.yaml's 3
    const vs = stepObjects('04-http-egress-gateway', steps('04-http-egress-gateway', 'apply')[2], custom)[0];
    expect(JSON.stringify(vs.spec)).toContain('"istio-egressgateway.mesh-system.svc.cluster.local"');
    expect(JSON.stringify(vs.spec)).toContain('"example.com"');
  });
});

describe('the seed’s commands', () => {
  const execs = allSteps('exec');

  it('every seed curl runs, in the seed’s order, in the client’s curl container, with -S added to -sL', () => {
    const values = defaultValues();
    const seedFlags = ['-sSL', ...SEED_CURL_FLAGS.slice(1)];
    const found = execs
      .filter(({ lesson, step }) => (lesson.startsWith('04-') || lesson.startsWith('05-')) && step.id !== 'https-bypass') // the optional experiment is not one of the task's curls
      .map(({ lesson, step }) => ({ lesson, target: step.target, argv: step.command!.map((a) => renderTemplate(a, values)) }));
    expect(found).toEqual(SEED_CURL_URLS.map(({ lesson, url }) => ({ lesson, target: 'client', argv: ['curl', ...seedFlags, url] })));
  });

  it('every exec step is a curl with an expectation, and the experiment’s failures are marked as the point', () => {
    for (const { lesson, step } of execs) {
      expect(step.command?.[0], `${lesson}#${step.id}`).toBe('curl');
      expect(Object.keys(step.expect ?? {}).length, `${lesson}#${step.id}`).toBeGreaterThan(0);
    }
    const experiment = steps('03-outbound-policy-experiment', 'exec').map((s) => [s.id, s.expectFailure ?? false, s.expect]);
    expect(experiment).toEqual([
      ['curl-blocked', true, { httpStatus: 502 }],
      ['curl-https-blocked', true, { exitCode: [35, 56] }],
      ['curl-allowed', false, { httpStatus: 200 }],
    ]);
  });

  it('the request through the gateway is tagged (HTTP) and the gateway logs prove the path', () => {
    const http = steps('04-http-egress-gateway');
    expect(http.find((s) => s.id === 'curl-gateway')?.tagRequest).toBe(true);
    expect(http.find((s) => s.id === 'gateway-log')).toMatchObject({
      kind: 'logs',
      target: 'egressgateway',
      expect: { requestFrom: 'curl-gateway', authority: '{{httpHost}}', upstreamClusterContains: 'outbound|80||{{httpHost}}' },
    });
    const https = steps('05-https-passthrough');
    // A header travels inside TLS: the gateway cannot see it, so the HTTPS request is matched by time and SNI.
    expect(https.find((s) => s.id === 'curl-gateway')?.tagRequest ?? false).toBe(false);
    expect(https.find((s) => s.id === 'gateway-log')).toMatchObject({
      kind: 'logs',
      target: 'egressgateway',
      expect: { requestFrom: 'curl-gateway', sni: '{{httpsHost}}', upstreamClusterContains: 'outbound|443||{{httpsHost}}' },
    });
  });

  it('each logs step follows an exec step it names, in the same lesson', () => {
    for (const lesson of LESSONS) {
      const all = steps(lesson);
      all.forEach((s, i) => {
        if (s.kind !== 'logs' || !s.expect?.requestFrom) return;
        const from = all.findIndex((e) => e.id === s.expect!.requestFrom);
        expect(from, `${lesson}#${s.id}`).toBeGreaterThanOrEqual(0);
        expect(from).toBeLessThan(i);
        expect(all[from].kind).toBe('exec');
      });
    }
  });

  it('the cleanups delete the four objects in the seed’s order', () => {
    for (const { lesson, objects } of SEED_CLEANUPS) {
      const cleanup = steps(lesson, 'delete');
      expect(cleanup).toHaveLength(1);
      expect(cleanup[0].objects!.map((o) => [o.kind, o.name])).toEqual(objects);
      for (const o of cleanup[0].objects!) expect(o.apiVersion).toBe('networking.istio.io/v1');
    }
  });

  it.each(MODES)('every delete step removes objects a lesson applied, and everything applied is cleaned up somewhere (gateway %s)', (mode) => {
    const values = defaultValues(mode);
    const applied = new Set(allSteps('apply', mode).flatMap(({ lesson, step }) => stepObjects(lesson, step, values).map((o) => `${o.kind}/${o.metadata.name}`)));
    const deleted = new Set<string>();
    for (const { lesson, step } of allSteps('delete', mode)) {
      for (const o of step.objects!) {
        expect(applied, `${lesson}#${step.id}`).toContain(`${o.kind}/${o.name}`);
        deleted.add(`${o.kind}/${o.name}`);
      }
    }
    expect([...applied].sort()).toEqual([...deleted].sort());
  });

  it('the final cleanup removes the client, as the seed’s last command does', () => {
    expect(steps('06-cleanup', 'delete')[0].objects!.map((o) => `${o.apiVersion} ${o.kind}/${o.name}`)).toEqual([
      'v1 ServiceAccount/curl',
      'v1 Service/curl',
      'apps/v1 Deployment/curl',
    ]);
  });
});
