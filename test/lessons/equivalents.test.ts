// The API side by side (issue 15): every apply step of lessons 4 and 5 shows the same intent in the
// Kubernetes Gateway API, in both gateway modes and languages, as Istio's task writes it — a Gateway
// of class istio, routes attached to the lesson's own ServiceEntry and Gateway — and the view fits 80
// columns.
import { describe, expect, it } from 'vitest';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import type { ApplyStep, KubeObject } from '../../src/lesson/model.js';
import { equivalentRows } from '../../src/ui/equivalentView.js';
import { messages } from '../../src/ui/messages.js';
import { cellWidth, stripAnsi } from '../../src/ui/text.js';

const spec = (o: KubeObject) => o.spec as Record<string, unknown>;

describe.each(['shared', 'own'] as const)('the Gateway API beside lessons 4 and 5 (%s gateway)', (gateway) => {
  const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'learner-01', gateway });
  const lessons = set!.lessons.filter((l) => l.id.startsWith('04-') || l.id.startsWith('05-'));

  it('every apply step has it, in the other API, with a note in both languages', () => {
    expect(problems).toEqual([]);
    const applies = lessons.flatMap((l) => l.steps.filter((s): s is ApplyStep => s.kind === 'apply').map((s) => ({ lesson: l.id, step: s })));
    expect(applies.map((a) => `${a.lesson}/${a.step.id}`)).toEqual([
      '04-http-egress-gateway/service-entry', '04-http-egress-gateway/gateway', '04-http-egress-gateway/virtual-service',
      '05-https-passthrough/service-entry', '05-https-passthrough/gateway-and-routes',
    ]);
    for (const { step } of applies) {
      expect(step.equivalent?.api, step.id).toBe('gateway-api');
      expect(step.equivalent!.note?.en).toBeTruthy();
      expect(step.equivalent!.note?.zh).toBeTruthy();
    }
  });

  it("the routes attach to the lesson's ServiceEntry and to the Gateway of class istio, and send to its Service <name>-istio", () => {
    for (const lesson of lessons) {
      const own = lesson.steps.filter((s): s is ApplyStep => s.kind === 'apply').flatMap((s) => s.manifests.flatMap((m) => m.objects));
      const other = lesson.steps.filter((s): s is ApplyStep => s.kind === 'apply').flatMap((s) => s.equivalent!.manifests.flatMap((m) => m.objects));
      const serviceEntry = own.find((o) => o.kind === 'ServiceEntry')!;
      const gw = other.find((o) => o.kind === 'Gateway' && o.apiVersion.startsWith('gateway.networking.k8s.io/'))!;
      expect(spec(gw).gatewayClassName).toBe('istio');
      const routes = other.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'TLSRoute');
      expect(routes).toHaveLength(2);
      const [mesh, gatewaySide] = routes.map((r) => spec(r) as { parentRefs: { kind?: string; group?: string; name: string }[]; rules: { backendRefs: { kind?: string; name: string; port: number }[] }[]; hostnames?: string[] });
      expect(mesh.parentRefs).toEqual([{ kind: 'ServiceEntry', group: 'networking.istio.io', name: serviceEntry.metadata.name }]);
      expect(mesh.rules[0].backendRefs[0].name).toBe(`${gw.metadata.name}-istio`);
      expect(gatewaySide.parentRefs).toEqual([{ name: gw.metadata.name }]);
      const host = (spec(serviceEntry).hosts as string[])[0];
      expect(gatewaySide.hostnames).toEqual([host]);
      expect(gatewaySide.rules[0].backendRefs[0]).toMatchObject({ kind: 'Hostname', name: host });
    }
  });

  it.each(['en', 'zh'] as const)('the view fits 80 columns (%s)', (lang) => {
    for (const lesson of lessons)
      for (const step of lesson.steps)
        if (step.kind === 'apply') {
          const rows = equivalentRows(step.equivalent!, lang, messages(lang), 80, true);
          expect(rows[0].text).toContain(lang === 'en' ? 'Kubernetes Gateway API' : 'Kubernetes Gateway API');
          for (const row of rows) expect(cellWidth(stripAnsi(row.text)), row.text).toBeLessThanOrEqual(80);
        }
  });
});

describe.each(['shared', 'own'] as const)("Istio's API beside the gateway-api track (%s gateway)", (gateway) => {
  const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'learner-01', gateway });
  const lessons = set!.lessons.filter((l) => l.track === 'gateway-api');

  it("every apply step of lessons 10 and 11 shows lessons 4 and 5's objects, with a note in both languages", () => {
    expect(problems).toEqual([]);
    const applies = lessons.flatMap((l) => l.steps.filter((s): s is ApplyStep => s.kind === 'apply').map((s) => ({ lesson: l.id, step: s })));
    expect(applies.map((a) => `${a.lesson}/${a.step.id}`)).toEqual([
      '10-gateway-api-http/service-entry', '10-gateway-api-http/gateway', '10-gateway-api-http/routes',
      '11-gateway-api-tls/service-entry', '11-gateway-api-tls/gateway-and-routes',
    ]);
    for (const { step } of applies) {
      expect(step.equivalent?.api, step.id).toBe('istio');
      expect(step.equivalent!.note?.en).toBeTruthy();
      expect(step.equivalent!.note?.zh).toBeTruthy();
    }
    const kinds = (id: string) => applies.filter((a) => a.lesson === id).flatMap((a) => a.step.equivalent!.manifests.flatMap((m) => m.objects.map((o) => o.kind)));
    expect(kinds('10-gateway-api-http').sort()).toEqual(['DestinationRule', 'Gateway', 'ServiceEntry', 'VirtualService']);
    expect(kinds('11-gateway-api-tls').sort()).toEqual(['DestinationRule', 'Gateway', 'ServiceEntry', 'VirtualService']);
  });

  it.each(['en', 'zh'] as const)('the view fits 80 columns and says it is Istio\'s API (%s)', (lang) => {
    for (const lesson of lessons)
      for (const step of lesson.steps)
        if (step.kind === 'apply') {
          const rows = equivalentRows(step.equivalent!, lang, messages(lang), 80, true);
          expect(rows[0].text).toContain(lang === 'en' ? "Istio's API" : 'Istio 的 API');
          for (const row of rows) expect(cellWidth(stripAnsi(row.text)), row.text).toBeLessThanOrEqual(80);
        }
  });
});
