// Stand-in for whatwg-url in the bundle. Its only importer, node-fetch 2 (client-node's HTTP
// client), uses it as a fallback for runtimes without a URL class (`Url.URL || whatwgUrl.URL`);
// Node >= 20 always has one, so the package and its 250 kB Unicode table (tr46) would be parsed
// on every cluster connection and never used.
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
export default { URL, URLSearchParams };
