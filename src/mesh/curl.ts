// curl in the client container: parse the flags, make the request(s) through the mesh, and print
// exactly what curl 8 prints for those flags (head dumps with CRLF, -v trace, -w, errors, exit codes).

import { parseCurlArgs, type CurlOptions } from './curlArgs.js';
import { byteLength, type Header, type HttpRequest, type HttpResponse, reasonPhrase } from './http.js';
import type { Net } from './net.js';
import { exchange, type Exchange } from './transport.js';
import { type CurlUrl, hostHeader, parseCurlUrl } from './url.js';

export const CURL_USER_AGENT = 'curl/8.16.0';

const CURL_VERSION_TEXT =
  'curl 8.16.0 (x86_64-alpine-linux-musl) libcurl/8.16.0 OpenSSL/3.5.4 zlib/1.3.1 brotli/1.1.0 zstd/1.5.7 c-ares/1.34.5 libidn2/2.3.7 libpsl/0.21.5 nghttp2/1.67.1\n' +
  'Release-Date: 2025-09-10\n' +
  'Protocols: dict file ftp ftps gopher gophers http https imap imaps ipfs ipns mqtt pop3 pop3s rtsp smb smbs smtp smtps telnet tftp ws wss\n' +
  'Features: alt-svc AsynchDNS brotli HSTS HTTP2 HTTPS-proxy IDN IPv6 Largefile libz NTLM PSL SSL threadsafe TLS-SRP UnixSockets zstd\n';

const CURL_HELP_TEXT =
  'Usage: curl [options...] <url>\n' +
  ' -d, --data <data>           HTTP POST data\n' +
  ' -f, --fail                  Fail fast with no output on HTTP errors\n' +
  ' -h, --help <subject>        Get help for commands\n' +
  ' -i, --include               Include response headers in output\n' +
  ' -o, --output <file>         Write to file instead of stdout\n' +
  ' -O, --remote-name           Write output to file named as remote file\n' +
  ' -s, --silent                Silent mode\n' +
  ' -T, --upload-file <file>    Transfer local FILE to destination\n' +
  ' -u, --user <user:password>  Server user and password\n' +
  ' -A, --user-agent <name>     Send User-Agent <name> to server\n' +
  ' -v, --verbose               Make the operation more talkative\n' +
  ' -V, --version               Show version number and quit\n' +
  '\n' +
  'This is not the full help; this menu is split into categories.\n' +
  'Use "--help category" to get an overview of all categories.\n' +
  'Use "--help all" to list all options\n';

export interface ProgramOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The status line and headers as curl writes them for -D/-i/-I (CRLF line ends, blank line). */
export function formatHead(res: HttpResponse): string {
  const status = res.version === 'HTTP/2' ? `HTTP/2 ${res.status} ` : `HTTP/1.1 ${res.status} ${reasonPhrase(res.status)}`;
  return [status, ...res.headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n') + '\r\n\r\n';
}

interface Transfer {
  url: CurlUrl;
  request: HttpRequest;
  result: Exchange;
  redirects: number;
}

function buildRequest(url: CurlUrl, o: CurlOptions, method: string, body: string): HttpRequest {
  let authority = hostHeader(url);
  const headers: Header[] = [];
  const custom: Header[] = [];
  const removed = new Set<string>();
  for (const raw of o.headers) {
    const colon = raw.indexOf(':');
    const semi = raw.indexOf(';');
    if (colon === -1) {
      // `-H 'Name;'` sends an empty header; anything else without a colon is ignored, as curl does.
      if (semi > 0 && raw.slice(semi + 1).trim() === '') custom.push([raw.slice(0, semi).trim(), '']);
      continue;
    }
    const name = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    if (value === '') {
      removed.add(name.toLowerCase());
      continue;
    }
    if (name.toLowerCase() === 'host') authority = value;
    else custom.push([name, value]);
  }
  const has = (n: string): boolean => custom.some(([c]) => c.toLowerCase() === n) || removed.has(n);
  if (!has('user-agent')) headers.push(['User-Agent', o.userAgent ?? CURL_USER_AGENT]);
  if (o.user !== undefined && !has('authorization')) {
    const credentials = o.user.includes(':') ? o.user : `${o.user}:`;
    headers.unshift(['Authorization', `Basic ${Buffer.from(credentials).toString('base64')}`]);
  }
  if (!has('accept')) headers.push(['Accept', '*/*']);
  if (o.referer !== undefined && !has('referer')) headers.push(['Referer', o.referer]);
  headers.push(...custom);
  if (o.data !== undefined) {
    if (!has('content-length')) headers.push(['Content-Length', String(byteLength(body))]);
    if (!has('content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  return { method, scheme: url.scheme, host: url.host, port: url.port, authority, pathAndQuery: url.pathAndQuery, headers, body };
}

function resolveLocation(base: CurlUrl, location: string): string {
  try {
    return new URL(location, base.effective).toString();
  } catch {
    return location;
  }
}

const redirectCodes = new Set([301, 302, 303, 307, 308]);

/** Run curl with its arguments (argv[0] excluded). */
export function runCurl(net: Net, args: string[], writeFile: (path: string, text: string) => void = () => undefined): ProgramOutput {
  const parsed = parseCurlArgs(args);
  if (!parsed.ok) return { stdout: '', stderr: parsed.stderr, exitCode: parsed.exitCode };
  const o = parsed.options;
  if (o.version) return { stdout: CURL_VERSION_TEXT, stderr: '', exitCode: 0 };
  if (o.help) return { stdout: CURL_HELP_TEXT, stderr: '', exitCode: 0 };
  if (o.maxTimeSec !== undefined && o.maxTimeSec > 0) net.maxTimeMs = Math.round(o.maxTimeSec * 1000);
  const connectTimeoutMs = o.connectTimeoutSec !== undefined && o.connectTimeoutSec > 0 ? Math.round(o.connectTimeoutSec * 1000) : undefined;
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const showErrors = !o.silent || o.showError;
  let fileText = '';
  const toOutput = (text: string): void => {
    if (o.output === undefined || o.output === '-') stdout += text;
    else fileText += text;
  };

  for (const rawUrl of o.urls) {
    const first = parseCurlUrl(rawUrl);
    if ('code' in first) {
      if (showErrors) stderr += `curl: (${first.code}) ${first.message}\n`;
      exitCode = first.code;
      continue;
    }
    let url = first;
    let method = o.method ?? (o.head ? 'HEAD' : o.data !== undefined ? 'POST' : 'GET');
    let body = o.data ?? '';
    let redirects = 0;
    let transfer: Transfer | undefined;
    let failure: { code: number; message: string } | undefined;
    const startClock = net.clockMs;
    for (;;) {
      net.hops = 0;
      const request = buildRequest(url, o, method, body);
      const result = exchange(net, request, connectTimeoutMs);
      net.clockMs += result.elapsedMs;
      transfer = { url, request, result, redirects };
      if (o.verbose) stderr += verboseTrace(request, result, url);
      if (result.kind === 'error') {
        failure = result;
        break;
      }
      const res = result.response;
      if (o.dumpHeader === '-') stdout += formatHead(res);
      if (o.include || o.head) toOutput(formatHead(res));
      const location = res.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
      if (!o.location || !redirectCodes.has(res.status) || location === undefined) break;
      if (redirects >= o.maxRedirs) {
        failure = { code: 47, message: `Maximum (${o.maxRedirs}) redirects followed` };
        break;
      }
      const next = parseCurlUrl(resolveLocation(url, location));
      if ('code' in next) {
        failure = next;
        break;
      }
      if ([301, 302, 303].includes(res.status) && method === 'POST') {
        method = 'GET';
        body = '';
      }
      url = next;
      redirects += 1;
    }

    if (!failure && transfer?.result.kind === 'response') {
      const res = transfer.result.response;
      if (o.fail && res.status >= 400) failure = { code: 22, message: `The requested URL returned error: ${res.status}` };
      else if (!o.head) toOutput(res.body);
    }
    const elapsedMs = net.clockMs - startClock;
    if (!o.silent && !o.verbose && !o.noProgressMeter) stderr += progressMeter(transfer, elapsedMs);
    if (failure) {
      if (showErrors) stderr += `curl: (${failure.code}) ${failure.message}\n`;
      exitCode = failure.code;
    }
    if (o.writeOut !== undefined && transfer) stdout += writeOut(o.writeOut, transfer, failure, elapsedMs);
  }
  if (o.output !== undefined && o.output !== '-' && fileText !== '') writeFile(o.output, fileText);
  return { stdout, stderr, exitCode };
}

function progressMeter(transfer: Transfer | undefined, elapsedMs: number): string {
  const size = transfer?.result.kind === 'response' ? byteLength(transfer.result.response.body) : 0;
  const pct = transfer?.result.kind === 'response' ? 100 : 0;
  const speed = elapsedMs > 0 ? Math.round((size * 1000) / elapsedMs) : 0;
  const pad = (v: string | number, n: number): string => String(v).padStart(n);
  const time = '--:--:--';
  return (
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
    '                                 Dload  Upload   Total   Spent    Left  Speed\n' +
    `\r${pad(pct, 3)} ${pad(size, 5)} ${pad(pct, 4)} ${pad(size, 5)}    0     0 ${pad(speed, 6)}      0 ${time} ${time} ${time} ${pad(speed, 6)}\n`
  );
}

function verboseTrace(req: HttpRequest, result: Exchange, url: CurlUrl): string {
  const lines: string[] = [];
  if (result.kind === 'error' && result.stage === 'resolve') {
    lines.push(`* Could not resolve host: ${req.host}`, '* shutting down connection #0');
    return lines.map((l) => l + '\n').join('');
  }
  const ip = result.remoteIp ?? '';
  lines.push(`* Host ${req.host}:${req.port} was resolved.`, '* IPv6: (none)', `* IPv4: ${ip}`, `*   Trying ${ip}:${req.port}...`);
  if (result.kind === 'error' && result.stage === 'connect') {
    lines.push(`* connect to ${ip} port ${req.port} from 0.0.0.0 port 0 failed: ${result.code === 7 ? 'Connection refused' : 'Connection timed out'}`);
    lines.push(`* ${result.message}`, '* closing connection #0');
    return lines.map((l) => l + '\n').join('');
  }
  if (url.scheme === 'https') {
    lines.push(
      '* ALPN: curl offers h2,http/1.1',
      '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
      '*  CAfile: /etc/ssl/certs/ca-certificates.crt',
      '*  CApath: /etc/ssl/certs',
    );
    if (result.kind === 'error' && result.stage === 'tls') {
      lines.push(`* ${result.message}`, '* closing connection #0');
      return lines.map((l) => l + '\n').join('');
    }
    const h2 = result.kind === 'response' && result.response.version === 'HTTP/2';
    lines.push(
      '* TLSv1.3 (IN), TLS handshake, Server hello (2):',
      '* TLSv1.3 (IN), TLS handshake, Certificate (11):',
      '* TLSv1.3 (IN), TLS handshake, CERT verify (15):',
      '* TLSv1.3 (IN), TLS handshake, Finished (20):',
      '* TLSv1.3 (OUT), TLS handshake, Finished (20):',
      '* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256 / x25519 / RSASSA-PSS',
      `* ALPN: server accepted ${h2 ? 'h2' : 'http/1.1'}`,
      '* Server certificate:',
      `*  subject: CN=${req.host}`,
      `*  subjectAltName: host "${req.host}" matched cert's "${req.host}"`,
      '*  SSL certificate verify ok.',
    );
  }
  lines.push(`* Connected to ${req.host} (${ip}) port ${req.port}`);
  const h2 = result.kind === 'response' && result.response.version === 'HTTP/2';
  lines.push(h2 ? '* using HTTP/2' : '* using HTTP/1.x');
  const requestHead = [`${req.method} ${req.pathAndQuery} ${h2 ? 'HTTP/2' : 'HTTP/1.1'}`, `Host: ${req.authority}`, ...req.headers.map(([n, v]) => `${n}: ${v}`), ''];
  lines.push(...requestHead.map((l) => `> ${l}`));
  lines.push('* Request completely sent off');
  if (result.kind === 'error') {
    lines.push(`* ${result.message}`, '* closing connection #0');
    return lines.map((l) => l + '\n').join('');
  }
  const head = formatHead(result.response).split('\r\n').slice(0, -1);
  lines.push(...head.map((l) => `< ${l}`));
  lines.push(`* Connection #0 to host ${req.host} left intact`);
  return lines.map((l) => l + '\n').join('');
}

function writeOut(format: string, t: Transfer, failure: { code: number; message: string } | undefined, elapsedMs: number): string {
  const res = t.result.kind === 'response' ? t.result.response : undefined;
  const seconds = (ms: number): string => (ms / 1000).toFixed(6);
  const vars: Record<string, string> = {
    http_code: res ? String(res.status).padStart(3, '0') : '000',
    response_code: res ? String(res.status).padStart(3, '0') : '000',
    http_version: res ? (res.version === 'HTTP/2' ? '2' : '1.1') : '0',
    remote_ip: t.result.remoteIp ?? '',
    remote_port: t.result.remoteIp ? String(t.result.remotePort ?? t.url.port) : '',
    time_total: seconds(elapsedMs),
    time_connect: seconds(Math.min(elapsedMs, 1)),
    time_starttransfer: seconds(Math.max(elapsedMs - 1, 0)),
    size_download: String(res ? byteLength(res.body) : 0),
    size_header: String(res ? byteLength(formatHead(res)) : 0),
    content_type: res?.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '',
    url_effective: t.url.effective,
    url: t.url.effective,
    num_redirects: String(t.redirects),
    redirect_url: '',
    method: t.request.method,
    scheme: t.url.scheme.toUpperCase(),
    exitcode: String(failure?.code ?? 0),
    errormsg: failure?.message ?? '',
  };
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '\\' && i + 1 < format.length) {
      const next = format[i + 1];
      const escaped = next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : next === '\\' ? '\\' : undefined;
      if (escaped !== undefined) {
        out += escaped;
        i++;
        continue;
      }
    }
    if (c === '%' && format[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    if (c === '%' && format[i + 1] === '{') {
      const end = format.indexOf('}', i);
      if (end !== -1) {
        const name = format.slice(i + 2, end);
        if (name in vars) {
          out += vars[name];
          i = end;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}
