// Coalesce bursts of notifications into at most one call per interval (leading call after a quiet
// period, then one trailing call). The engine may notify many times a second while logs stream.

export interface Throttled {
  (): void;
  cancel(): void;
}

export function throttle(fn: () => void, intervalMs: number, now: () => number = Date.now): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    timer = undefined;
    last = now();
    fn();
  };
  const call = (() => {
    if (timer !== undefined) return;
    const wait = last + intervalMs - now();
    timer = setTimeout(fire, Math.max(0, wait));
  }) as Throttled;
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
