// `equivalent:` on an apply step: the same intent in the other API, read from the lesson's own
// manifests/ or another lesson's (one source per manifest), rendered like the step's manifests,
// with the API told from the apiVersions; mistakes are file:line problems.
import { describe, expect, it } from 'vitest';
import { edit, useLessonLoader } from './fixture.js';
import type { ApplyStep } from '../../src/lesson/model.js';

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: direct-to-gateway
spec:
  parentRefs:
  - kind: ServiceEntry
    group: networking.istio.io
    name: cnn
  rules:
  - backendRefs:
    - name: egress-istio
      port: 80
`;

const withEquivalent = (block: string) => edit('02-http/lesson.yaml', '    manifests: [serviceentry.yaml]\n', `    manifests: [serviceentry.yaml]\n${block}`);

describe('equivalent', () => {
  const load = useLessonLoader();

  it('reads the other API from the lesson and names the API by the apiVersions', () => {
    const { set, problems } = load({
      '02-http/lesson.yaml': withEquivalent('    equivalent:\n      manifests: [route.yaml]\n      note: { en: "No DestinationRule subset: the route names the gateway Service.", zh: "不需要目标规则子集：路由直接指向网关的 Service。" }\n'),
      '02-http/manifests/route.yaml': ROUTE,
    });
    expect(problems).toEqual([]);
    const step = set!.lessons[1].steps.find((s) => s.id === 'service-entry') as ApplyStep;
    expect(step.equivalent).toMatchObject({ api: 'gateway-api', note: { en: 'No DestinationRule subset: the route names the gateway Service.' } });
    expect(step.equivalent!.manifests.map((m) => m.file)).toEqual(['02-http/manifests/route.yaml']);
    expect(step.equivalent!.manifests[0].objects[0].kind).toBe('HTTPRoute');
  });

  it("from: another lesson's manifests (rendered with the values); the API is the other one than the step's", () => {
    const { set, problems } = load({ '02-http/lesson.yaml': withEquivalent('    equivalent: { from: 01-setup, manifests: [curl.yaml] }\n') });
    expect(problems).toEqual([]);
    const step = set!.lessons[1].steps.find((s) => s.id === 'service-entry') as ApplyStep;
    expect(step.equivalent!.api).toBe('gateway-api'); // the step applies Istio's ServiceEntry
    expect(step.equivalent!.manifests[0].file).toBe('01-setup/manifests/curl.yaml');
    // A step of the Gateway API shows Istio's API.
    const reverse = load({
      '02-http/lesson.yaml': edit('02-http/lesson.yaml', '    manifests: [serviceentry.yaml]\n', '    manifests: [route.yaml]\n    equivalent: { manifests: [serviceentry.yaml] }\n'),
      '02-http/manifests/route.yaml': ROUTE,
    });
    expect(reverse.problems).toEqual([]);
    expect((reverse.set!.lessons[1].steps.find((s) => s.id === 'service-entry') as ApplyStep).equivalent!.api).toBe('istio');
  });

  it('names an unknown field, a missing file and a from that is no lesson, with their lines', () => {
    const unknown = load({ '02-http/lesson.yaml': withEquivalent('    equivalent: { manifests: [route.yaml], api: gateway }\n'), '02-http/manifests/route.yaml': ROUTE });
    expect(unknown.problems.map((p) => p.message)).toContainEqual('unknown field "api" in equivalent of step "service-entry" (manifests, from, note)');
    const missing = load({ '02-http/lesson.yaml': withEquivalent('    equivalent: { manifests: [nope.yaml] }\n') });
    expect(missing.problems.map((p) => p.message)).toContainEqual('manifest file 02-http/manifests/nope.yaml does not exist');
    const from = load({ '02-http/lesson.yaml': withEquivalent('    equivalent: { from: 09-nothing, manifests: [curl.yaml] }\n') });
    expect(from.problems).toContainEqual({ file: '02-http/lesson.yaml', line: 6, message: 'equivalent.from "09-nothing" of step "service-entry" must name a lesson folder with a manifests/ folder' });
  });

  it("an apply step's from: applies another lesson's manifests (one source), and names a bad from with its line", () => {
    const { set, problems } = load({ '02-http/lesson.yaml': edit('02-http/lesson.yaml', '    manifests: [serviceentry.yaml]\n', '    from: 01-setup\n    manifests: [curl.yaml]\n') });
    expect(problems).toEqual([]);
    const step = set!.lessons[1].steps.find((s) => s.id === 'service-entry') as ApplyStep;
    expect(step.manifests.map((m) => m.file)).toEqual(['01-setup/manifests/curl.yaml']);
    const bad = load({ '02-http/lesson.yaml': edit('02-http/lesson.yaml', '    manifests: [serviceentry.yaml]\n', '    from: ../elsewhere\n    manifests: [curl.yaml]\n') });
    expect(bad.problems).toContainEqual({ file: '02-http/lesson.yaml', line: 5, message: 'from "../elsewhere" of step "service-entry" must name a lesson folder with a manifests/ folder' });
  });
});
