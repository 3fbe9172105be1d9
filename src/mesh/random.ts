// Values that vary per request in a real mesh (request ids, ephemeral ports, timings), drawn from
// the context's random source so tests are deterministic.

export type RandomSource = () => number;

export class Dice {
  constructor(private readonly random: RandomSource = Math.random) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += this.int(0, 15).toString(16);
    return out;
  }

  /** A version-4 UUID, as Envoy generates for x-request-id. */
  uuid(): string {
    const variant = (8 + this.int(0, 3)).toString(16);
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }

  /** A Linux ephemeral port (net.ipv4.ip_local_port_range 32768–60999). */
  ephemeralPort(): number {
    return this.int(32768, 60999);
  }
}

/** A stable 32-bit hash of a string (FNV-1a), for addresses that must not change between calls. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
