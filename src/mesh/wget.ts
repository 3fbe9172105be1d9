// busybox wget, the other HTTP client in the curl image: -q, -O FILE|-, -S, --spider, -T, -U, --header.

import type { ProgramOutput } from './curl.js';
import { formatHead } from './curl.js';
import { byteLength, type Header, type HttpRequest } from './http.js';
import type { Net } from './net.js';
import { exchange } from './transport.js';
import { hostHeader, parseCurlUrl } from './url.js';

interface WgetOptions {
  quiet: boolean;
  output?: string;
  serverResponse: boolean;
  spider: boolean;
  timeoutSec?: number;
  userAgent: string;
  headers: Header[];
  urls: string[];
}

const USAGE = 'BusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n';

function parseWgetArgs(args: string[]): WgetOptions | string {
  const o: WgetOptions = { quiet: false, serverResponse: false, spider: false, userAgent: 'Wget', headers: [], urls: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--spider') o.spider = true;
    else if (a === '--header') {
      const raw = args[++i] ?? '';
      const colon = raw.indexOf(':');
      if (colon > 0) o.headers.push([raw.slice(0, colon).trim(), raw.slice(colon + 1).trim()]);
    } else if (a === '--quiet') o.quiet = true;
    else if (a === '--server-response') o.serverResponse = true;
    else if (a.startsWith('--output-document=')) o.output = a.slice('--output-document='.length);
    else if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === 'q') o.quiet = true;
        else if (c === 'S') o.serverResponse = true;
        else if (c === 'O' || c === 'T' || c === 'U') {
          const value = a.slice(j + 1) !== '' ? a.slice(j + 1) : args[++i];
          if (value === undefined) return `wget: option requires an argument -- '${c}'\n${USAGE}`;
          if (c === 'O') o.output = value;
          else if (c === 'U') o.userAgent = value;
          else o.timeoutSec = Number(value);
          break;
        } else return `wget: unrecognized option: ${c}\n${USAGE}`;
      }
    } else if (a.startsWith('--')) return `wget: unrecognized option: ${a.slice(2)}\n${USAGE}`;
    else o.urls.push(a);
  }
  return o.urls.length === 0 ? USAGE : o;
}

/** Run wget (argv[0] excluded). `writeFile` keeps a downloaded file for later commands in the same exec. */
export function runWget(net: Net, args: string[], writeFile: (path: string, text: string) => void): ProgramOutput {
  const parsed = parseWgetArgs(args);
  if (typeof parsed === 'string') return { stdout: '', stderr: parsed, exitCode: 1 };
  const o = parsed;
  if (o.timeoutSec !== undefined && o.timeoutSec > 0) net.maxTimeMs = Math.round(o.timeoutSec * 1000);
  let stdout = '';
  let stderr = '';
  const say = (text: string): void => {
    if (!o.quiet) stderr += text;
  };
  for (const raw of o.urls) {
    let url = parseCurlUrl(raw);
    if ('code' in url) return { stdout, stderr: stderr + `wget: not an http or ftp url: ${raw}\n`, exitCode: 1 };
    for (let redirects = 0; ; redirects++) {
      const req: HttpRequest = {
        method: o.spider ? 'HEAD' : 'GET', scheme: url.scheme, host: url.host, port: url.port, authority: hostHeader(url),
        pathAndQuery: url.pathAndQuery, headers: [['User-Agent', o.userAgent], ...o.headers], body: '',
      };
      net.hops = 0;
      const result = exchange(net, req);
      net.clockMs += result.elapsedMs;
      if (result.kind === 'error') {
        const why =
          result.stage === 'resolve' ? `bad address '${url.host}'`
          : result.code === 28 ? 'download timed out'
          : result.code === 7 ? `can't connect to remote host (${result.remoteIp}): Connection refused`
          : 'error getting response: Connection reset by peer';
        if (result.stage !== 'resolve') say(`Connecting to ${url.host} (${result.remoteIp}:${url.port})\n`);
        return { stdout, stderr: stderr + `wget: ${why}\n`, exitCode: 1 };
      }
      const res = result.response;
      say(`Connecting to ${url.host} (${result.remoteIp}:${url.port})\n`);
      if (o.serverResponse) stderr += formatHead(res).replace(/\r\n$/, '').split('\r\n').map((l) => (l ? `  ${l}\n` : '')).join('');
      const location = res.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
      if ([301, 302, 303, 307, 308].includes(res.status) && location && redirects < 20) {
        const next = parseCurlUrl(new URL(location, url.effective).toString());
        if ('code' in next) return { stdout, stderr: stderr + `wget: not an http or ftp url: ${location}\n`, exitCode: 1 };
        url = next;
        continue;
      }
      if (res.status >= 400) {
        const line = formatHead(res).split('\r\n')[0];
        return { stdout, stderr: stderr + `wget: server returned error: ${line}\n`, exitCode: 1 };
      }
      if (o.spider) {
        say('remote file exists\n');
        break;
      }
      const size = byteLength(res.body);
      const target = o.output ?? (url.pathAndQuery.split('?')[0].split('/').pop() || 'index.html');
      const toStdout = target === '-';
      say(toStdout ? 'writing to stdout\n' : `saving to '${target}'\n`);
      say(`${(toStdout ? '-' : target).padEnd(20).slice(0, 20)} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\n`);
      say(toStdout ? 'written to stdout\n' : `'${target}' saved\n`);
      if (toStdout) stdout += res.body;
      else writeFile(target.startsWith('/') ? target : `/home/curl_user/${target}`, res.body);
      break;
    }
  }
  return { stdout, stderr, exitCode: 0 };
}
