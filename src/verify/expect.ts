// Does an exec step's result meet its expectation?

import type { ExecExpect } from '../lesson/model.js';
import type { CurlOutcome } from './curl.js';

export interface ExpectationResult {
  ok: boolean;
  /** What did not hold, e.g. "HTTP 404, expected 200". */
  mismatch?: string;
}

export function checkExecExpectation(expect: ExecExpect, curl: CurlOutcome, stdout: string): ExpectationResult {
  const wantExit = expect.exitCode ?? 0;
  if (expect.httpStatus !== undefined && curl.httpStatus !== expect.httpStatus) {
    const got = curl.httpStatus !== undefined ? `HTTP ${curl.httpStatus}` : `no HTTP response (exit ${curl.exitCode})`;
    return { ok: false, mismatch: `${got}, expected HTTP ${expect.httpStatus}` };
  }
  if (curl.exitCode !== wantExit) return { ok: false, mismatch: `exit code ${curl.exitCode}, expected ${wantExit}` };
  if (expect.outputContains !== undefined && !stdout.includes(expect.outputContains))
    return { ok: false, mismatch: `output lacks "${expect.outputContains}"` };
  return { ok: true };
}
