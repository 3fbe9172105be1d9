// Where the payload sits in the bin (see src/cli/payload.ts): after the bin's code, a comment
// holding PAYLOAD_START, the payload — a CommonJS-style script, deflated, in base64 — and
// PAYLOAD_END, at the very end of the file. Base64 cannot end a comment, and deflated it is a
// third of the size V8 and Node would otherwise read on every start. scripts/build.mjs writes it
// with these same functions. No imports: the build loads this file on its own.

export const PAYLOAD_START = '\n/* egress-tutorial payload\n';
export const PAYLOAD_END = '\n*/\n';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The comment that holds the payload, given the deflated payload in base64. */
export function payloadComment(base64: string): string {
  if (!BASE64.test(base64)) throw new Error('the payload comment takes base64 only');
  return `${PAYLOAD_START}${base64}${PAYLOAD_END}`;
}

/** The deflated payload in base64 from a whole bin file, or undefined if the file holds none. */
export function extractPayload(binText: string): string | undefined {
  // The last: the bin's own code holds PAYLOAD_START too (this constant); base64 never does.
  const start = binText.lastIndexOf(PAYLOAD_START);
  if (start === -1 || !binText.endsWith(PAYLOAD_END)) return undefined;
  const base64 = binText.slice(start + PAYLOAD_START.length, binText.length - PAYLOAD_END.length);
  return BASE64.test(base64) ? base64 : undefined;
}
