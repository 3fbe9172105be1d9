// What the egress gateway's Service says about how the gateway was installed: istioctl's
// gateways listen on 8080/8443 behind Service ports 80/443, the Helm `gateway` chart's on 80/443.
// Pure, so the pre-flight check and its unit tests share it.

import type { Lang } from './lang.js';
import { say } from './lang.js';
import type { RawObject } from './ownership.js';

export type GatewayInstall = 'istioctl' | 'helm' | 'custom';

export interface ServicePortView {
  port: number;
  targetPort: number | string; // a number, or a container port's name
}

export interface GatewayServiceView {
  name: string;
  ports: ServicePortView[];
  install: GatewayInstall;
}

interface RawService extends RawObject {
  spec?: { selector?: Record<string, string>; ports?: { port?: number; targetPort?: number | string }[] };
}

/** True when the Service's selector picks a pod with these labels (an empty selector picks none). */
export function selectsPod(service: RawService, podLabels: Record<string, string>): boolean {
  const selector = service.spec?.selector ?? {};
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => podLabels[k] === selector[k]);
}

/** The target of one Service port: targetPort defaults to the port itself, as in Kubernetes. */
function targetOf(p: { port?: number; targetPort?: number | string }): number | string {
  return p.targetPort ?? p.port ?? 0;
}

/** istioctl maps 80→8080 and 443→8443; the Helm chart 80→80 and 443→443; anything else is custom. */
export function classifyInstall(ports: ServicePortView[]): GatewayInstall {
  const target = (n: number) => ports.find((p) => p.port === n)?.targetPort;
  if (target(80) === 8080 && target(443) === 8443) return 'istioctl';
  if (target(80) === 80 && target(443) === 443) return 'helm';
  return 'custom';
}

/** The Services that select any of the gateway pods, with their ports and the install they suggest. */
export function gatewayServices(services: RawService[], pods: { metadata?: { labels?: Record<string, string> } }[]): GatewayServiceView[] {
  return services
    .filter((s) => pods.some((p) => selectsPod(s, p.metadata?.labels ?? {})))
    .map((s) => {
      const ports = (s.spec?.ports ?? []).filter((p) => p.port === 80 || p.port === 443).map((p) => ({ port: p.port!, targetPort: targetOf(p) }));
      return { name: s.metadata?.name ?? '?', ports, install: classifyInstall(ports) };
    });
}

/** One detail line per Service: "Service istio-egressgateway: 80→8080, 443→8443 (looks like an istioctl install)". */
export function describeGatewayService(view: GatewayServiceView, lang: Lang | undefined): string {
  const map = view.ports.length ? view.ports.map((p) => `${p.port}→${p.targetPort}`).join(say(lang, ', ', '、')) : say(lang, 'no port 80 or 443', '没有 80 或 443 端口');
  const listen = view.ports.map((p) => p.targetPort).join('/');
  const how =
    view.install === 'istioctl'
      ? say(lang, 'looks like an istioctl install: the gateway listens on 8080/8443', '看起来是 istioctl 安装的：网关监听 8080/8443')
      : view.install === 'helm'
        ? say(lang, 'looks like the Helm gateway chart: the gateway listens on 80/443', '看起来是 Helm gateway chart 安装的：网关监听 80/443')
        : say(lang, `custom ports: the gateway listens on ${listen || '?'}`, `自定义端口：网关监听 ${listen || '?'}`);
  return say(lang, `Service ${view.name}: ${map} (${how}).`, `Service ${view.name}：${map}（${how}）。`);
}
