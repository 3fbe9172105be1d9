// The seed's commands and cleanup orders, copied from
// shared/seed/000_ed461580cd28217c.txt (the Chinese notes of Istio's Egress Gateways task),
// exactly as the seed writes them: networking.istio.io/v1alpha3, hosts httpbin.org and
// www.baidu.com, Istio in istio-system. The lessons must reproduce every spec.

import {
  SEED_HTTP_GATEWAY_AND_DESTINATION_RULE,
  SEED_HTTP_SERVICE_ENTRY,
  SEED_HTTP_VIRTUAL_SERVICE,
  SEED_HTTPS_GATEWAY_DESTINATION_RULE_VIRTUAL_SERVICE,
  SEED_HTTPS_SERVICE_ENTRY,
} from '../fixtures/seed.js';

export {
  SEED_HTTP_GATEWAY_AND_DESTINATION_RULE,
  SEED_HTTP_SERVICE_ENTRY,
  SEED_HTTP_VIRTUAL_SERVICE,
  SEED_HTTPS_GATEWAY_DESTINATION_RULE_VIRTUAL_SERVICE,
  SEED_HTTPS_SERVICE_ENTRY,
};

/** Each seed `kubectl apply` block, with the lesson whose one apply step reproduces it. */
export const SEED_APPLIES: { lesson: string; yaml: string }[] = [
  { lesson: '04-http-egress-gateway', yaml: SEED_HTTP_SERVICE_ENTRY },
  { lesson: '04-http-egress-gateway', yaml: SEED_HTTP_GATEWAY_AND_DESTINATION_RULE },
  { lesson: '04-http-egress-gateway', yaml: SEED_HTTP_VIRTUAL_SERVICE },
  { lesson: '05-https-passthrough', yaml: SEED_HTTPS_SERVICE_ENTRY },
  { lesson: '05-https-passthrough', yaml: SEED_HTTPS_GATEWAY_DESTINATION_RULE_VIRTUAL_SERVICE },
];

/**
 * The seed's verification commands, in order, with the lesson that runs each. The seed writes
 * `kubectl exec -it $SOURCE_POD -c sleep -- curl -sL -o /dev/null -D - <url>`; the lessons run
 * the same curl in the renamed `curl` container, with `-S` added so a failing curl says why.
 */
export const SEED_CURL_URLS: { lesson: string; url: string }[] = [
  { lesson: '04-http-egress-gateway', url: 'http://httpbin.org/headers' },
  { lesson: '04-http-egress-gateway', url: 'http://httpbin.org/headers' },
  { lesson: '05-https-passthrough', url: 'https://www.baidu.com?q=1' },
  { lesson: '05-https-passthrough', url: 'https://www.baidu.com?q=1' },
];
export const SEED_CURL_FLAGS = ['-sL', '-o', '/dev/null', '-D', '-'];

/** The seed's cleanup blocks: kind and name, in the seed's order. */
export const SEED_CLEANUPS: { lesson: string; objects: [kind: string, name: string][] }[] = [
  {
    lesson: '04-http-egress-gateway',
    objects: [
      ['Gateway', 'istio-egressgateway'],
      ['ServiceEntry', 'cnn'],
      ['VirtualService', 'direct-cnn-through-egress-gateway'],
      ['DestinationRule', 'egressgateway-for-cnn'],
    ],
  },
  {
    lesson: '05-https-passthrough',
    objects: [
      ['ServiceEntry', 'cnn'],
      ['Gateway', 'istio-egressgateway'],
      ['VirtualService', 'direct-cnn-through-egress-gateway'],
      ['DestinationRule', 'egressgateway-for-cnn'],
    ],
  },
];
