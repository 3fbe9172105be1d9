// Which gateway a session uses, and the warning when a learner switches mode (issue 11). Pure.
import { describe, expect, it } from 'vitest';
import { gatewayClaims, modeSwitchWarning, otherModeObjects, resolveGatewayMode } from '../../src/engine/gateway.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { exportToProblems } from '../../src/lesson/export-to.js';

describe('resolveGatewayMode', () => {
  it('the flag wins, then the class, then the saved progress, else shared for a solo learner', () => {
    expect(resolveGatewayMode({ flag: 'shared', klass: 'own', saved: 'own' })).toEqual({ mode: 'shared', source: 'flag' });
    expect(resolveGatewayMode({ klass: 'own', saved: 'shared' })).toEqual({ mode: 'own', source: 'class' });
    expect(resolveGatewayMode({ saved: 'own' })).toEqual({ mode: 'own', source: 'progress' });
    expect(resolveGatewayMode({})).toEqual({ mode: 'shared', source: 'default' });
  });
});

describe('switching mode with the other mode\'s objects in place', () => {
  const managed = [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'egressgateway', namespace: 'l1' },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'curl', namespace: 'l1' },
    { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'l1' },
    { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn', namespace: 'l1' },
  ];
  it('names the own gateway and the objects that point at the previous mode\'s gateway', () => {
    expect(otherModeObjects('shared', 'own', managed).map((o) => `${o.kind}/${o.name}`)).toEqual(['Deployment/egressgateway', 'DestinationRule/egressgateway-for-cnn']);
    expect(otherModeObjects('own', 'shared', managed.slice(1)).map((o) => `${o.kind}/${o.name}`)).toEqual(['DestinationRule/egressgateway-for-cnn']);
    expect(otherModeObjects('own', 'own', managed)).toEqual([]);
  });
  it('says how to reset, in both languages', () => {
    const objects = otherModeObjects('own', 'shared', managed);
    expect(modeSwitchWarning('en', 'own', objects, 'l1')).toBe(
      'The gateway mode is now own, but namespace "l1" still holds objects the tutorial created in shared mode (Deployment/egressgateway, DestinationRule/egressgateway-for-cnn), which point at the other gateway. Run `egress-tutorial reset` (or press r in the tutorial) before you go on, or keep the earlier mode with --gateway shared.',
    );
    expect(modeSwitchWarning('zh', 'own', objects, 'l1')).toMatch(/^现在的网关模式是 own，但命名空间 "l1" 里还有教程在 shared 模式下创建的对象/);
  });
});

describe('the lessons\' Gateway claims and exportTo', () => {
  it('are the hosts and ports the shipped Gateways serve', () => {
    const { set } = loadLessonSet(defaultLessonsDir(), {});
    // Lessons 4 and 5, and the TLS-origination track's mutual-TLS server on 443.
    expect(gatewayClaims(set!)).toEqual([{ host: 'httpbin.org', port: 80 }, { host: 'www.baidu.com', port: 443 }, { host: 'httpbin.org', port: 443 }]);
  });
  it('exportTo: "." after the namespace is named like istiod names it, "~" only on a ServiceEntry', () => {
    expect(exportToProblems('VirtualService', 'l1', ['l1', '.'])).toEqual(['duplicate entries in exportTo: . and current namespace l1']);
    expect(exportToProblems('VirtualService', 'l1', ['.', 'istio-system'])).toEqual([]);
    expect(exportToProblems('VirtualService', 'l1', ['~'])).toEqual(['exportTo "~" (visible to no one) is only allowed on a ServiceEntry']);
    expect(exportToProblems('ServiceEntry', 'l1', ['~', '.'])).toEqual(['if serviceEntry exportTo is ~, no other namespaces can be specified']);
    expect(exportToProblems('ServiceEntry', 'l1', ['Not_A_Namespace'])).toEqual(['exportTo entry "Not_A_Namespace" is not ".", "*" or a namespace name']);
  });
});
