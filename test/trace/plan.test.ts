// The lesson's request path before any request: the trace's four hops, dim, each naming the
// course objects that will decide it; the same words as the lit trace, within 80 columns.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { loadLessonSet } from '../../src/lesson/index.js';
import { courseObjects, plannedPathOf, plannedTrace, traceText } from '../../src/trace/index.js';

const { set } = loadLessonSet('lessons');
const lessons = set!.lessons;
const where = { clientNamespace: 'default', gatewayNamespace: 'istio-system' };

describe('plannedTrace', () => {
  it('only request-path diagrams have a path', () => {
    expect(plannedPathOf('http-egress.txt')).toEqual({ protocol: 'http', host: 'httpbin.org', port: 80 });
    expect(plannedPathOf('tls-passthrough.txt')).toEqual({ protocol: 'tls', host: 'www.baidu.com', port: 443 });
    expect(plannedPathOf('tls-origination.txt')).toBeUndefined();
    expect(plannedPathOf(undefined)).toBeUndefined();
  });

  it("lesson 04's HTTP path: no hop lit, the sidecar and the gateway named by lesson 04's objects", () => {
    const t = plannedTrace(plannedPathOf('http-egress.txt')!, courseObjects(lessons, '04-http-egress-gateway', 'default'), where);
    expect(t.planned).toBe(true);
    expect(t.hops.every((h) => !h.lit && h.why === 'planned')).toBe(true);
    expect(t.hops[1].decidedBy).toEqual([
      { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default', part: 'http[0]' },
      { kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default', part: 'subset cnn' },
    ]);
    expect(t.hops[2].decidedBy.map((d) => `${d.kind} ${d.name} ${d.part}`)).toEqual(['Gateway istio-egressgateway server 80/HTTP', 'VirtualService direct-cnn-through-egress-gateway http[1]', 'ServiceEntry cnn resolution DNS']);
    const text = traceText(t, 'en', 80, true);
    expect(text.split('\n')[0]).toBe('Request path (planned) · HTTP · httpbin.org');
    expect(text).toContain('o 3/4 egress gateway istio-egressgateway · planned');
    for (const line of [...text.split('\n'), ...traceText(t, 'zh', 80).split('\n')]) expect(stringWidth(line)).toBeLessThanOrEqual(80);
  });

  it("lesson 01's goal (before any manifest of the path): the course's later objects show where it goes", () => {
    const t = plannedTrace(plannedPathOf('http-egress.txt')!, courseObjects(lessons, '01-reaching-external-services', 'default'), where);
    expect(t.hops[2].decidedBy[0]).toMatchObject({ kind: 'Gateway', name: 'istio-egressgateway', part: 'server 80/HTTP' });
  });

  it('with no objects for the path, hops are planned without deciders', () => {
    const t = plannedTrace(plannedPathOf('tls-passthrough.txt')!, [], where);
    expect(t.hops.map((h) => h.decidedBy.length)).toEqual([0, 0, 0, 0]);
    expect(traceText(t, 'zh')).toContain('○ 4/4 www.baidu.com (外部主机) · 计划');
  });
});
