// Where the payload sits in the bin (see src/cli/payload.ts): after the bin's code, one comment at
// the very end of the file, from PAYLOAD_START to PAYLOAD_END, holding each part of the payload —
// a CommonJS-style script, deflated, in base64 — on a line of its own after its name and a colon.
// Base64 cannot end a comment, and deflated the payload is a third of the size V8 and Node would
// otherwise read on every start. scripts/build.mjs writes it with these same functions. No
// imports: the build loads this file on its own.

export const PAYLOAD_START = '\n/* egress-tutorial payload\n';
export const PAYLOAD_END = '*/\n';
const NAME = /^[a-z]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The comment that holds the payload, given each part deflated and in base64. */
export function payloadComment(parts: Record<string, string>): string {
  let lines = '';
  for (const [name, base64] of Object.entries(parts)) {
    if (!NAME.test(name)) throw new Error(`a payload part's name is lower-case letters, not '${name}'`);
    if (!BASE64.test(base64)) throw new Error(`the payload part '${name}' must be base64`);
    lines += `${name}:${base64}\n`;
  }
  return `${PAYLOAD_START}${lines}${PAYLOAD_END}`;
}

/** One part of the payload (deflated, in base64) from a whole bin file; undefined if it holds none. */
export function extractPayload(binText: string, name: string): string | undefined {
  // The last: the bin's own code holds PAYLOAD_START too (this constant); base64 never does.
  const start = binText.lastIndexOf(PAYLOAD_START);
  if (start === -1 || !binText.endsWith(PAYLOAD_END)) return undefined;
  const label = `\n${name}:`;
  const at = binText.indexOf(label, start + PAYLOAD_START.length - 1);
  if (at === -1) return undefined;
  const end = binText.indexOf('\n', at + label.length);
  if (end === -1 || end >= binText.length - PAYLOAD_END.length) return undefined;
  const base64 = binText.slice(at + label.length, end);
  return BASE64.test(base64) ? base64 : undefined;
}
