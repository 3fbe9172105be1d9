// URLs as curl 8 reads them: the scheme may be missing (curl guesses http), the path may be
// missing (`https://www.baidu.com?q=1` requests `/?q=1`).

export interface CurlUrl {
  scheme: 'http' | 'https';
  host: string; // lower case, no brackets
  port: number;
  explicitPort: boolean;
  /** Path with query, as sent on the request line: always starts with `/`. */
  pathAndQuery: string;
  /** The URL as curl reports it in %{url_effective}. */
  effective: string;
}

export type UrlProblem = { code: 1 | 3; message: string };

const HOST_LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host.replace(/\.$/, '').split('.').every((label) => HOST_LABEL.test(label));
}

export function parseCurlUrl(raw: string): CurlUrl | UrlProblem {
  let rest = raw.trim();
  let scheme = 'http';
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  }
  if (scheme !== 'http' && scheme !== 'https') {
    return { code: 1, message: `Protocol "${scheme}" not supported` };
  }
  const cut = rest.search(/[/?#]/);
  const authority = cut === -1 ? rest : rest.slice(0, cut);
  let pathAndQuery = cut === -1 ? '/' : rest.slice(cut);
  const hashAt = pathAndQuery.indexOf('#');
  if (hashAt !== -1) pathAndQuery = pathAndQuery.slice(0, hashAt);
  if (pathAndQuery.startsWith('?')) pathAndQuery = '/' + pathAndQuery;
  if (pathAndQuery === '') pathAndQuery = '/';
  const hostPort = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  const portMatch = /^(.*?)(?::(\d*))?$/.exec(hostPort);
  const host = (portMatch?.[1] ?? '').toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const portText = portMatch?.[2];
  if (host === '') return { code: 3, message: 'URL rejected: No host part in the URL' };
  if (!isValidHostname(host) && !isIPv4(host)) return { code: 3, message: 'URL rejected: Bad hostname' };
  let port = scheme === 'https' ? 443 : 80;
  let explicitPort = false;
  if (portText !== undefined && portText !== '') {
    port = Number(portText);
    explicitPort = true;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return { code: 3, message: 'URL rejected: Port number was not a decimal number between 0 and 65535' };
    }
  }
  const shownPort = explicitPort ? `:${port}` : '';
  return { scheme, host, port, explicitPort, pathAndQuery, effective: `${scheme}://${host}${shownPort}${pathAndQuery}` } as CurlUrl;
}

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The Host header curl sends: the port only when it is not the scheme's default. */
export function hostHeader(url: CurlUrl): string {
  const defaultPort = url.scheme === 'https' ? 443 : 80;
  return url.port === defaultPort ? url.host : `${url.host}:${url.port}`;
}
