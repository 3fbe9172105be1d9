// Does an exec step's result meet its expectation?

import { expectedExitCodes, type ExecExpect, type Lang } from '../lesson/model.js';
import type { CurlOutcome } from './curl.js';

export interface ExpectationResult {
  ok: boolean;
  /** What did not hold, e.g. "HTTP 404, expected HTTP 200". */
  mismatch?: string;
}

const words = {
  en: {
    noResponse: (exit: number) => `no HTTP response (exit ${exit})`,
    expectedStatus: (got: string, want: number) => `${got}, expected HTTP ${want}`,
    expectedExit: (got: number, want: number[]) => `exit code ${got}, expected ${want.join(' or ')}`,
    lacks: (text: string) => `output lacks "${text}"`,
  },
  zh: {
    noResponse: (exit: number) => `没有 HTTP 响应（退出码 ${exit}）`,
    expectedStatus: (got: string, want: number) => `得到 ${got}，预期 HTTP ${want}`,
    expectedExit: (got: number, want: number[]) => `退出码 ${got}，预期 ${want.join(' 或 ')}`,
    lacks: (text: string) => `输出中没有“${text}”`,
  },
};

export function checkExecExpectation(expect: ExecExpect, curl: CurlOutcome, stdout: string, lang: Lang = 'en'): ExpectationResult {
  const w = words[lang];
  const wantExit = expectedExitCodes(expect);
  if (expect.httpStatus !== undefined && curl.httpStatus !== expect.httpStatus) {
    const got = curl.httpStatus !== undefined ? `HTTP ${curl.httpStatus}` : w.noResponse(curl.exitCode);
    return { ok: false, mismatch: w.expectedStatus(got, expect.httpStatus) };
  }
  if (!wantExit.includes(curl.exitCode)) return { ok: false, mismatch: w.expectedExit(curl.exitCode, wantExit) };
  if (expect.outputContains !== undefined && !stdout.includes(expect.outputContains)) return { ok: false, mismatch: w.lacks(expect.outputContains) };
  return { ok: true };
}
