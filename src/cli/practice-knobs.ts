// The practice cluster's install flags as knobs: `--profile` and `--gateway-api` reinstall that
// part on a saved cluster; without them the cluster stays as it was.
import type { PracticeKnobs } from '../practice/index.js';
import type { CliFlags } from './args.js';

export function installKnobs(flags: Pick<CliFlags, 'profile' | 'gatewayApi' | 'privateRoutes'>): Partial<PracticeKnobs> {
  return {
    ...(flags.privateRoutes ? { privateRoutes: true } : {}),
    ...(flags.profile ? { ambient: flags.profile === 'ambient' } : {}),
    // istiod's alpha switch follows the channel: TLSRoute is the reason to want either.
    ...(flags.gatewayApi ? { gatewayApi: flags.gatewayApi, alphaGatewayApi: flags.gatewayApi === 'experimental' } : {}),
  };
}
