import { describe, expect, it } from 'vitest';
import { kubectlCommands, resourceName, shellQuote, withRequestId } from '../../src/engine/kubectl.js';
import { lessonSet } from './fixtures.js';

const [setup, http] = lessonSet().lessons;
const ctx = { namespace: 'default', istioNamespace: 'istio-system' };

describe('kubectl equivalents', () => {
  it('apply: server-side with the field manager, then wait', () => {
    const [apply, wait] = kubectlCommands(setup.steps[2], ctx);
    expect(apply).toBe('kubectl apply --server-side --field-manager=egress-tutorial -n default -f - <<EOF\nkind: Deployment\nEOF');
    expect(wait).toBe('kubectl wait --for=condition=Ready pod -l app=curl -n default --timeout=180s');
  });

  it('exec: deploy/curl with the container and quoted argv', () => {
    expect(kubectlCommands(http.steps[1], ctx)).toEqual(['kubectl exec deploy/curl -c curl -n default -- curl -sSL -o /dev/null -D - http://httpbin.org/headers']);
    expect(kubectlCommands(http.steps[1], { ...ctx, requestId: 'abc' })[0]).toContain("curl -H 'x-request-id: abc' -sSL");
  });

  it('logs: follow by label and container', () => {
    expect(kubectlCommands(http.steps[2], ctx)).toEqual(['kubectl logs -f -l istio=egressgateway -c istio-proxy -n istio-system']);
  });

  it('delete: the full resource name for Istio kinds; only plain "gateway" is ambiguous (gw is Istio\'s, gtw the Gateway API\'s)', () => {
    const lines = kubectlCommands(http.steps[3], ctx);
    expect(lines[0]).toMatch(/^# gateway\.networking\.istio\.io \(short name gw\), not plain "gateway"/);
    expect(lines[0]).toContain('gtw');
    expect(lines[0]).not.toMatch(/not "gateway" or "gw"/);
    const zh = kubectlCommands(http.steps[3], { ...ctx, lang: 'zh' })[0];
    expect(zh).toMatch(/^# 使用 gateway\.networking\.istio\.io（简称 gw）/);
    expect(zh).toContain('gtw');
    expect(lines.slice(1)).toEqual([
      'kubectl delete gateway.networking.istio.io istio-egressgateway -n default',
      'kubectl delete serviceentry.networking.istio.io cnn -n default',
    ]);
    expect(resourceName({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'curl' })).toBe('deployment');
    expect(resourceName({ apiVersion: 'v1', kind: 'Service', name: 'curl' })).toBe('service');
  });

  it('check: one command per check', () => {
    expect(kubectlCommands(setup.steps[1], ctx)).toEqual([
      'kubectl get pods,services -l istio=egressgateway -n istio-system -o wide',
      "kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}' | grep accessLogFile; kubectl get telemetries.telemetry.istio.io -A",
    ]);
    expect(kubectlCommands(setup.steps[0], ctx)).toEqual([]);
  });

  it('quotes for the shell and tags only curl', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('https://www.baidu.com?q=1')).toBe("'https://www.baidu.com?q=1'");
    expect(withRequestId(['sh', '-c', 'curl x'], 'id')).toEqual(['sh', '-c', 'curl x']);
    expect(withRequestId(['/usr/bin/curl', 'x'], 'id')).toEqual(['/usr/bin/curl', '-H', 'x-request-id: id', 'x']);
  });
});
