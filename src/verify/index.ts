// Verification: reading curl output and Envoy access logs, and diagnosing failures. Pure.
export { parseCurlOutput, describeCurl, type CurlOutcome } from './curl.js';
export { parseAccessLogLine, matchesExpectation, isOthersProof, addressIp, type AccessLogFields, type MatchContext } from './access-log.js';
export { diagnose, type DiagnoseInput } from './diagnose.js';
export { checkExecExpectation } from './expect.js';
