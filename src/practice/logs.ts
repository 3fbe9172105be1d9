// Container logs: per pod and container, timestamped lines, with followers for `logs -f`.

export interface LogEntry {
  time: Date;
  text: string; // one line, no newline
}

export interface LogQuery {
  tailLines?: number;
  since?: Date; // sinceTime or now - sinceSeconds
  limitBytes?: number;
}

type Follower = (entry: LogEntry) => void;

const MAX_LINES = 5000;

export class PodLogs {
  private readonly lines = new Map<string, LogEntry[]>();
  private readonly followers = new Map<string, Set<Follower>>();
  private readonly closers = new Map<string, Set<() => void>>();

  private key(namespace: string, pod: string, container: string): string {
    return `${namespace}/${pod}/${container}`;
  }

  append(namespace: string, pod: string, container: string, text: string, time = new Date()): void {
    const k = this.key(namespace, pod, container);
    const list = this.lines.get(k) ?? [];
    for (const line of text.replace(/\n$/, '').split('\n')) {
      const entry = { time, text: line };
      list.push(entry);
      for (const f of this.followers.get(k) ?? []) f(entry);
    }
    if (list.length > MAX_LINES) list.splice(0, list.length - MAX_LINES);
    this.lines.set(k, list);
  }

  read(namespace: string, pod: string, container: string, q: LogQuery = {}): LogEntry[] {
    let list = this.lines.get(this.key(namespace, pod, container)) ?? [];
    if (q.since) list = list.filter((e) => e.time.getTime() >= (q.since as Date).getTime());
    if (q.tailLines !== undefined) list = q.tailLines <= 0 ? [] : list.slice(-q.tailLines);
    return [...list];
  }

  /** Calls `onLine` for each new line and `onEnd` when the pod goes away; returns the unsubscribe. */
  follow(namespace: string, pod: string, container: string, onLine: Follower, onEnd: () => void): () => void {
    const k = this.key(namespace, pod, container);
    const fs = this.followers.get(k) ?? new Set<Follower>();
    fs.add(onLine);
    this.followers.set(k, fs);
    const podKey = `${namespace}/${pod}`;
    const cs = this.closers.get(podKey) ?? new Set<() => void>();
    cs.add(onEnd);
    this.closers.set(podKey, cs);
    return () => {
      fs.delete(onLine);
      cs.delete(onEnd);
    };
  }

  /** The pod is gone: end its followers and forget its lines. */
  drop(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const k of [...this.lines.keys()]) if (k.startsWith(prefix)) this.lines.delete(k);
    for (const k of [...this.followers.keys()]) if (k.startsWith(prefix)) this.followers.delete(k);
    const cs = this.closers.get(`${namespace}/${pod}`);
    this.closers.delete(`${namespace}/${pod}`);
    for (const c of cs ?? []) c();
  }

  snapshot(): Record<string, { time: string; text: string }[]> {
    const out: Record<string, { time: string; text: string }[]> = {};
    for (const [k, v] of this.lines) out[k] = v.map((e) => ({ time: e.time.toISOString(), text: e.text }));
    return out;
  }

  restore(s: Record<string, { time: string; text: string }[]>): void {
    this.lines.clear();
    for (const [k, v] of Object.entries(s)) this.lines.set(k, v.map((e) => ({ time: new Date(e.time), text: e.text })));
  }
}

/** Lines pilot-agent and Envoy print when an istio-proxy container starts. */
export function proxyStartupLines(kind: 'sidecar' | 'gateway', podName: string, namespace: string): string[] {
  const role = kind === 'gateway' ? 'router' : 'sidecar';
  return [
    `info\tFLAG: --concurrency="2"`,
    `info\tFLAG: --proxyComponentLogLevel="misc:error"`,
    `info\tVersion 1.27.3-0a3f4e1c5d2b8a7e6f9c0d1e2f3a4b5c6d7e8f90-Clean`,
    `info\tProxy role\tips=[10.244.0.1] type=${role} id=${podName}.${namespace} domain=${namespace}.svc.cluster.local`,
    `info\tApply proxy config from env {}`,
    `info\tcache\tgenerated new workload certificate\tresourceName=default latency=92.4ms ttl=23h59m59.5s`,
    `info\txdsproxy\tconnected to delta upstream XDS server: istiod.istio-system.svc:15012\tid=1`,
    `info\tads\tADS: new connection for node:${podName}.${namespace}-1`,
    `info\tads\tSDS: PUSH request for node:${podName}.${namespace} resources:1 size:4.0kB resource:default`,
    `info\tReadiness succeeded in 1.021s`,
    `info\tEnvoy proxy is ready`,
  ];
}
