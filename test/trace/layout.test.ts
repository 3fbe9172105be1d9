// The trace's layout (pure): 80 columns and narrower, both languages, words for every state.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { deciderText, layoutTrace, traceText, wrapCells } from '../../src/trace/index.js';
import { bypassedTrace, gatewayTrace } from './fixtures.js';

describe('layoutTrace', () => {
  for (const lang of ['en', 'zh'] as const)
    for (const width of [80, 60, 40])
      it(`${lang} at ${width} columns: no row wider than the terminal`, () => {
        for (const trace of [gatewayTrace(), bypassedTrace()]) {
          const rows = layoutTrace(trace, { lang, width });
          for (const r of rows) expect(stringWidth(r.text), r.text).toBeLessThanOrEqual(width);
          // Every hop is drawn, in order.
          const heads = rows.filter((r) => /^[●○] \d\/4 /.test(r.text)).map((r) => r.text.slice(2, 5));
          expect(heads).toEqual(['1/4', '2/4', '3/4', '4/4']);
        }
      });

  it('at 80 columns the screen version (log lines cut to one row) fits the 18-row body of a 24-row terminal', () => {
    const rows = layoutTrace(gatewayTrace(), { lang: 'en', width: 80 });
    expect(rows.length).toBeLessThanOrEqual(18);
    expect(rows.filter((r) => r.tone === 'log')).toHaveLength(2);
  });

  it('lit hops and dim hops differ in words, not only in colour', () => {
    const rows = layoutTrace(bypassedTrace(), { lang: 'en', width: 80 });
    const gateway = rows.find((r) => r.text.includes('3/4'));
    expect(gateway).toEqual({ text: '○ 3/4 egress gateway · no evidence: the request bypassed the egress gateway', tone: 'dim' });
    expect(rows.find((r) => r.text.includes('2/4'))?.text).toBe('● 2/4 client sidecar curl-qph5nl6jxf-wdd7g · seen');
    expect(rows.some((r) => r.text.includes('decided by MeshConfig outboundTrafficPolicy ALLOW_ANY'))).toBe(true);
  });

  it('ascii glyphs for terminals and readers without box drawing', () => {
    const text = layoutTrace(gatewayTrace(), { lang: 'en', width: 80, ascii: true }).map((r) => r.text).join('\n');
    expect(text).not.toMatch(/[●○│┆▼]/);
    expect(text).toContain('* 3/4 egress gateway istio-egressgateway-zqd87lc8jm-84vn7 · seen');
  });
});

describe('traceText (run --trace)', () => {
  it('is plain text: the hops, each with its status, route, cluster, deciders and whole log line', () => {
    const text = traceText(gatewayTrace(), 'en', 80);
    expect(text.split('\n').every((l) => stringWidth(l) <= 80)).toBe(true);
    expect(text).toContain('● 3/4 egress gateway istio-egressgateway-zqd87lc8jm-84vn7 · seen');
    expect(text).toContain('│   HTTP 200 via_upstream · flags - · 0 B in, 574 B out · 433 ms · route -');
    expect(text).toContain('│   cluster outbound|80||httpbin.org');
    expect(text).toContain('│   decided by Gateway istio-egressgateway server 80/HTTP');
    expect(text).toContain('joined by x-request-id');
    // The whole line is there, wrapped: every character of it, in order.
    const logged = text.split('\n').filter((l) => /^│   (log|    )/.test(l)).map((l) => l.replace(/^│   (log )?\s*/, '')).join(' ');
    expect(logged.replace(/\s+/g, '')).toContain(gatewayTrace().hops[2].line!.text.replace(/\s+/g, ''));
  });

  it('in Chinese', () => {
    const text = traceText(bypassedTrace(), 'zh', 80);
    expect(text).toContain('○ 3/4 出口网关 · 没有证据：请求绕过了出口网关');
    expect(text).toContain('● 4/4 httpbin.org (外部主机) · 已看到：44.207.188.95:80 应答 200');
  });
});

describe('deciderText', () => {
  it("names an object's namespace only when it is not the client's", () => {
    expect(deciderText({ kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default', part: 'subset cnn' }, 'default')).toBe('DestinationRule egressgateway-for-cnn subset cnn');
    expect(deciderText({ kind: 'Gateway', name: 'shared', namespace: 'istio-system', part: 'server 80/HTTP' }, 'default')).toBe('Gateway shared server 80/HTTP -n istio-system');
  });
});

describe('wrapCells', () => {
  it('breaks at spaces, or inside a word too long for a row, counting CJK double', () => {
    expect(wrapCells('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapCells('outbound|80|cnn|istio', 8)).toEqual(['outbound', '|80|cnn|', 'istio']);
    expect(wrapCells('出口网关出口网关', 6).every((r) => stringWidth(r) <= 6)).toBe(true);
  });
});
