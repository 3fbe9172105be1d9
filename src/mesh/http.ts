// The HTTP message shapes the model passes between curl, proxies and origins.

export type Header = [name: string, value: string];

export interface HttpRequest {
  method: string;
  scheme: 'http' | 'https';
  host: string; // lower case, no port
  port: number;
  /** Value of the Host / :authority header. */
  authority: string;
  pathAndQuery: string;
  headers: Header[]; // in the order curl sends them (after Host)
  body: string;
  /** The protocol on this hop; curl speaks HTTP/1.1, proxies may upgrade to HTTP/2 towards an `http2` port. */
  protocol?: 'HTTP/1.1' | 'HTTP/2';
  /** This hop runs over Istio mutual TLS (a DestinationRule's ISTIO_MUTUAL), with this SNI. */
  mtls?: { sni: string };
  /** The client certificate this hop presents (a DestinationRule's MUTUAL with credentialName). */
  clientCert?: { subject: string; issuer: string; pem: string };
}

export interface HttpResponse {
  version: 'HTTP/1.1' | 'HTTP/2';
  status: number;
  headers: Header[];
  body: string;
  /** How long the origin took, for access-log durations and timeouts. */
  serverMs: number;
}

export function getHeader(headers: Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

export function setHeader(headers: Header[], name: string, value: string): Header[] {
  const lower = name.toLowerCase();
  const out = headers.filter(([n]) => n.toLowerCase() !== lower);
  out.push([name, value]);
  return out;
}

export function removeHeader(headers: Header[], name: string): Header[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() !== lower);
}

export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

const REASONS: Record<number, string> = {
  100: 'Continue', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect',
  308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 408: 'Request Timeout', 418: "I'M A TEAPOT", 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

/** RFC 7231 IMF-fixdate, as servers send in `Date`. */
export function httpDate(d: Date): string {
  return d.toUTCString();
}
