// Reading what curl printed: the HTTP status of the last response (from `-D -` / `-I` heads, or
// `-v` traces on stderr), its server header, and curl's own error code and message.

export interface CurlOutcome {
  /** Status of the last response head seen (after redirects with -L), if any. */
  httpStatus?: number;
  /** Every status seen, in order (redirect chains show several). */
  statuses: number[];
  /** Headers of the last response head, names lower-cased. */
  headers: Record<string, string>;
  server?: string;
  exitCode: number;
  /** curl's error, e.g. { code: 6, message: "Could not resolve host: x" }. */
  curlError?: { code: number; message: string };
}

const STATUS_LINE = /^HTTP\/[0-9.]+\s+(\d{3})\b/;
const CURL_ERROR = /curl: \((\d+)\)\s*(.*)$/;

interface Head {
  status: number;
  headers: Record<string, string>;
}

/** Response heads in text where each line may carry a prefix (e.g. "< " in -v traces). */
function readHeads(text: string, prefix: string): Head[] {
  const heads: Head[] = [];
  let current: Head | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (prefix && !raw.startsWith(prefix)) {
      current = undefined;
      continue;
    }
    const line = raw.slice(prefix.length).replace(/\r$/, '');
    const status = STATUS_LINE.exec(line);
    if (status) {
      current = { status: Number(status[1]), headers: {} };
      heads.push(current);
      continue;
    }
    if (!current) continue;
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) current.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return heads;
}

export function parseCurlOutput(stdout: string, stderr: string, exitCode: number): CurlOutcome {
  let heads = readHeads(stdout, '');
  if (heads.length === 0) heads = readHeads(stderr, '< ');
  const outcome: CurlOutcome = { statuses: heads.map((h) => h.status), headers: {}, exitCode };
  const last = heads[heads.length - 1];
  if (last) {
    outcome.httpStatus = last.status;
    outcome.headers = last.headers;
    if (last.headers.server) outcome.server = last.headers.server;
  } else {
    // `-w '%{http_code}'` with the body discarded prints just the code.
    const written = /(?:^|\n)(\d{3})\s*$/.exec(stdout);
    if (written && Number(written[1]) > 0) {
      outcome.httpStatus = Number(written[1]);
      outcome.statuses = [outcome.httpStatus];
    }
  }
  const errorLine = stderr
    .split(/\r?\n/)
    .map((l) => CURL_ERROR.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .pop();
  if (errorLine) outcome.curlError = { code: Number(errorLine[1]), message: errorLine[2].trim() };
  else if (exitCode !== 0) outcome.curlError = { code: exitCode, message: stderr.trim().split(/\r?\n/).pop() ?? '' };
  return outcome;
}

/** A short text for activity lines and verdicts: "HTTP 200", "curl exit 35". */
export function describeCurl(outcome: CurlOutcome): string {
  if (outcome.curlError && outcome.httpStatus === undefined) return `curl exit ${outcome.curlError.code}`;
  if (outcome.httpStatus !== undefined) return `HTTP ${outcome.httpStatus}`;
  return `exit ${outcome.exitCode}`;
}
