// The "internet" outside the cluster: which public names resolve, to which addresses, and what
// the origin servers answer. httpbin.org behaves like httpbin; other hosts serve a small page.

import { byteLength, type Header, type HttpRequest, type HttpResponse, getHeader, httpDate } from './http.js';
import { type Dice, stableHash } from './random.js';
import { isIPv4, isValidHostname } from './url.js';

/** The cluster's public NAT address, as origins see it (a documentation range: clearly not real). */
export const CLUSTER_EGRESS_IP = '203.0.113.10';

const KNOWN_ADDRESSES: Record<string, string> = {
  'httpbin.org': '44.207.188.95',
  'www.baidu.com': '110.242.70.57',
  'baidu.com': '110.242.68.66',
  'edition.cnn.com': '151.101.3.5',
  'www.google.com': '142.250.72.196',
  'istio.io': '185.199.108.153',
};

// Names that never resolve: reserved TLDs (RFC 2606/6761) and the obvious test names.
const UNRESOLVABLE_TLDS = new Set(['invalid', 'local', 'test', 'example', 'localdomain', 'internal', 'lan', 'home']);
const UNRESOLVABLE_LABEL = /(^|[.-])(nonexistent|non-existent|does-not-exist|doesnotexist|no-such-host|nxdomain)([.-]|$)/;

/** The public address a name resolves to, or undefined when DNS says NXDOMAIN. */
export function resolvePublicName(host: string): string | undefined {
  if (isIPv4(host)) return host;
  const name = host.replace(/\.$/, '');
  if (!isValidHostname(name) || !name.includes('.')) return undefined;
  const labels = name.split('.');
  const tld = labels[labels.length - 1];
  if (!/^[a-z]{2,63}$/.test(tld) || UNRESOLVABLE_TLDS.has(tld)) return undefined;
  if (UNRESOLVABLE_LABEL.test(name)) return undefined;
  const known = KNOWN_ADDRESSES[name];
  if (known) return known;
  const h = stableHash(name);
  // Somewhere in 34.0.0.0–63.255.255.255: public cloud space, never private.
  return `${34 + (h % 30)}.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${1 + ((h >>> 24) % 254)}`;
}

/** Ports public origins listen on; a connection to another port is silently dropped (times out). */
export function originListens(port: number, tls: boolean): boolean {
  return tls ? port === 443 || port === 8443 : port === 80 || port === 8080;
}

/** Private and reserved ranges: nothing answers there outside the cluster's own pods and services. */
export function isPrivateAddress(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

export interface OriginContext {
  now: Date;
  dice: Dice;
  /** Address the origin sees the request from (the cluster's NAT address). */
  clientIp: string;
}

type Served = Omit<HttpResponse, 'version' | 'serverMs'> & { serverMs?: number };

/** What an origin answers. HTTPS origins that speak HTTP/2 (httpbin.org) answer with HTTP/2. */
export function originRespond(req: HttpRequest, ctx: OriginContext): HttpResponse {
  const isHttpbin = req.host === 'httpbin.org' || req.host === 'www.httpbin.org';
  const h2 = req.scheme === 'https' && isHttpbin;
  const served = isHttpbin ? httpbin(req, ctx) : genericSite(req, ctx);
  let headers = served.headers;
  if (h2) headers = headers.filter(([n]) => n.toLowerCase() !== 'connection').map(([n, v]) => [n.toLowerCase(), v] as Header);
  const body = req.method === 'HEAD' ? '' : served.body;
  return {
    version: h2 ? 'HTTP/2' : 'HTTP/1.1',
    status: served.status,
    headers,
    body,
    serverMs: served.serverMs ?? ctx.dice.int(isHttpbin ? 150 : 20, isHttpbin ? 450 : 90),
  };
}

// httpbin shows header names in Title-Case, sorted, plus the trace id its AWS load balancer adds.
function titleCase(name: string): string {
  return name.split('-').map((p) => (p ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p)).join('-');
}

function httpbinHeaders(req: HttpRequest, ctx: OriginContext): Record<string, string> {
  const out: Record<string, string> = {};
  // httpbin.org sits behind a load balancer that consumes the X-Forwarded-* headers.
  for (const [n, v] of req.headers) if (!/^x-forwarded-/i.test(n)) out[titleCase(n)] = v;
  out.Host = req.authority;
  out['X-Amzn-Trace-Id'] = `Root=1-${Math.floor(ctx.now.getTime() / 1000).toString(16)}-${ctx.dice.hex(24)}`;
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(out).sort()) sorted[k] = out[k];
  return sorted;
}

function queryArgs(pathAndQuery: string): Record<string, string> {
  const q = pathAndQuery.indexOf('?');
  const args: Record<string, string> = {};
  if (q === -1) return args;
  for (const [k, v] of new URLSearchParams(pathAndQuery.slice(q + 1))) args[k] = v;
  return args;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function httpbin(req: HttpRequest, ctx: OriginContext): Served {
  // Plain HTTP on the HTTPS port: the load balancer in front of httpbin refuses it, as nginx does.
  if (req.scheme === 'http' && req.port === 443) {
    const body = '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n</body>\r\n</html>\r\n';
    return { status: 400, headers: [['Server', 'awselb/2.0'], ['Date', httpDate(ctx.now)], ['Content-Type', 'text/html'], ['Content-Length', String(byteLength(body))], ['Connection', 'close']], body };
  }
  const path = req.pathAndQuery.split('?')[0];
  const jsonReply = (status: number, body: string): Served => ({
    status,
    headers: httpbinHead(ctx, 'application/json', byteLength(body)),
    body,
  });
  const url = `${req.scheme}://${req.authority}${req.pathAndQuery}`;
  if (path === '/headers') return jsonReply(200, json({ headers: httpbinHeaders(req, ctx) }));
  if (path === '/ip') return jsonReply(200, json({ origin: ctx.clientIp }));
  if (path === '/user-agent') return jsonReply(200, json({ 'user-agent': getHeader(req.headers, 'user-agent') ?? null }));
  if (path === '/get' && (req.method === 'GET' || req.method === 'HEAD')) {
    return jsonReply(200, json({ args: queryArgs(req.pathAndQuery), headers: httpbinHeaders(req, ctx), origin: ctx.clientIp, url }));
  }
  if (path === '/anything' || path.startsWith('/anything/') || (['/post', '/put', '/patch', '/delete'].includes(path) && path.slice(1).toUpperCase() === req.method)) {
    return jsonReply(200, json({
      args: queryArgs(req.pathAndQuery), data: req.body, files: {}, form: {}, headers: httpbinHeaders(req, ctx),
      json: null, method: req.method, origin: ctx.clientIp, url,
    }));
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    const headers = httpbinHead(ctx, 'text/html; charset=utf-8', 0);
    if (code >= 300 && code < 400 && code !== 304) headers.push(['Location', '/redirect/1']);
    return { status: code, headers, body: '' };
  }
  const redirect = /^\/(?:relative-)?redirect\/(\d+)$/.exec(path);
  if (redirect) {
    const n = Number(redirect[1]);
    const headers = httpbinHead(ctx, 'text/html; charset=utf-8', 0);
    headers.push(['Location', n <= 1 ? '/get' : `/relative-redirect/${n - 1}`]);
    return { status: 302, headers, body: '' };
  }
  const delay = /^\/delay\/(\d+(?:\.\d+)?)$/.exec(path);
  if (delay) {
    const seconds = Math.min(Number(delay[1]), 10);
    const reply = jsonReply(200, json({ args: queryArgs(req.pathAndQuery), data: '', files: {}, form: {}, headers: httpbinHeaders(req, ctx), origin: ctx.clientIp, url }));
    return { ...reply, serverMs: Math.round(seconds * 1000) + ctx.dice.int(150, 300) };
  }
  if (['/get', '/post', '/put', '/patch', '/delete'].includes(path)) {
    const body = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n';
    return { status: 405, headers: httpbinHead(ctx, 'text/html', byteLength(body)), body };
  }
  const body = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n';
  return { status: 404, headers: httpbinHead(ctx, 'text/html', byteLength(body)), body };
}

function httpbinHead(ctx: OriginContext, contentType: string, length: number): Header[] {
  return [
    ['Date', httpDate(ctx.now)],
    ['Content-Type', contentType],
    ['Content-Length', String(length)],
    ['Connection', 'keep-alive'],
    ['Server', 'gunicorn/19.9.0'],
    ['Access-Control-Allow-Origin', '*'],
    ['Access-Control-Allow-Credentials', 'true'],
  ];
}

// A small page of our own (not a copy of any site's markup).
function sitePage(host: string): string {
  const title = host.endsWith('baidu.com') ? '百度一下，你就知道' : host;
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body><p>${host}</p></body></html>\n`;
}

function genericSite(req: HttpRequest, ctx: OriginContext): Served {
  if (req.scheme === 'http' && (req.port === 443 || req.port === 8443)) {
    const body = '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n</body>\r\n</html>\r\n';
    return { status: 400, headers: [['Server', 'nginx'], ['Date', httpDate(ctx.now)], ['Content-Type', 'text/html'], ['Content-Length', String(byteLength(body))], ['Connection', 'close']], body };
  }
  const body = sitePage(req.host);
  if (req.host.endsWith('baidu.com')) {
    return {
      status: 200,
      headers: [
        ['Accept-Ranges', 'bytes'],
        ['Cache-Control', 'private, no-cache, no-store, proxy-revalidate, no-transform'],
        ['Connection', 'keep-alive'],
        ['Content-Length', String(byteLength(body))],
        ['Content-Type', 'text/html'],
        ['Date', httpDate(ctx.now)],
        ['Etag', '"588603eb-98b"'],
        ['Last-Modified', 'Mon, 23 Jan 2017 13:23:55 GMT'],
        ['Pragma', 'no-cache'],
        ['Server', 'bfe/1.0.8.18'],
        ['Set-Cookie', 'BDORZ=27315; max-age=86400; domain=.baidu.com; path=/'],
      ],
      body,
    };
  }
  return {
    status: 200,
    headers: [
      ['Date', httpDate(ctx.now)],
      ['Content-Type', 'text/html; charset=UTF-8'],
      ['Content-Length', String(byteLength(body))],
      ['Connection', 'keep-alive'],
      ['Server', 'nginx'],
    ],
    body,
  };
}
