import { installKnobs } from '../../src/cli/practice-knobs.js';
import { describe, expect, it } from 'vitest';
import { defaultLang, parseCli, UsageError } from '../../src/cli/args.js';

describe('parseCli', () => {
  it('defaults to the interactive verb with defaults', () => {
    const p = parseCli([], {});
    expect(p.verb).toBe('interactive');
    expect(p.flags).toMatchObject({ istioNamespace: 'istio-system', lang: 'en', practice: false, set: [], yes: false, help: false, version: false });
  });

  it('reads every flag', () => {
    const p = parseCli(
      ['run', '04-http', '05-https', '--kubeconfig', '/k', '--context', 'kind', '-n', 'demo', '--istio-namespace', 'istio', '--lang', 'zh', '--practice', '--lessons', '/l', '--set', 'httpHost=a.org', '--set', 'httpsHost=b.org', '-y'],
      {},
    );
    expect(p.verb).toBe('run');
    expect(p.args).toEqual(['04-http', '05-https']);
    expect(p.flags).toMatchObject({
      kubeconfig: '/k',
      context: 'kind',
      namespace: 'demo',
      istioNamespace: 'istio',
      lang: 'zh',
      practice: true,
      lessons: '/l',
      set: ['httpHost=a.org', 'httpsHost=b.org'],
      yes: true,
    });
    expect(parseCli(['--namespace', 'x', '--yes', '--help', '--version'], {}).flags).toMatchObject({ namespace: 'x', yes: true, help: true, version: true });
    expect(parseCli(['help'], {}).flags.help).toBe(true);
  });

  it('rejects unknown flags, verbs, stray arguments and bad values with UsageError', () => {
    const cases: [string[], RegExp][] = [
      [['--frob'], /^Unknown flag --frob; run `egress-tutorial --help`/],
      [['bogus'], /^Unknown command "bogus"; the commands are list, run/],
      [['list', 'extra'], /"list" takes no arguments/],
      [['validate', 'a', 'b'], /at most 1 argument/],
      [['--context'], /--context needs a value/],
      [['--lang', 'fr'], /--lang must be en or zh/],
      [['-n', 'Bad_NS'], /not a valid namespace name/],
      [['--lessons', ''], /--lessons needs a non-empty value/],
    ];
    for (const [argv, message] of cases) {
      let caught: unknown;
      try {
        parseCli(argv, {});
      } catch (error) {
        caught = error;
      }
      expect(caught, argv.join(' ')).toBeInstanceOf(UsageError);
      expect((caught as Error).message, argv.join(' ')).toMatch(message);
    }
  });

  it('takes the language from LC_ALL, LC_MESSAGES, LANG in that order', () => {
    expect(defaultLang({ LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(defaultLang({ LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(defaultLang({ LC_MESSAGES: 'zh_TW.UTF-8', LANG: 'en_US' })).toBe('zh');
    expect(defaultLang({})).toBe('en');
    expect(parseCli([], { LANG: 'zh_CN.UTF-8' }).flags.lang).toBe('zh');
    expect(parseCli(['--lang', 'en'], { LANG: 'zh_CN.UTF-8' }).flags.lang).toBe('en');
  });
});

describe('--gateway and --include-shared (issue 11)', () => {
  it('takes shared or own, and leaves the mode unset when not given (the class or the progress decide)', () => {
    expect(parseCli(['run', '--gateway', 'own'], {}).flags.gateway).toBe('own');
    expect(parseCli(['--gateway=shared'], {}).flags.gateway).toBe('shared');
    expect(parseCli([], {}).flags.gateway).toBeUndefined();
    expect(parseCli(['reset', '--include-shared', '--yes'], {}).flags.includeShared).toBe(true);
    expect(parseCli(['reset'], {}).flags.includeShared).toBeUndefined();
  });

  it('refuses another mode in one sentence, in the learner\'s language', () => {
    expect(() => parseCli(['--gateway', 'mine'], {})).toThrow(new UsageError('--gateway must be shared (the Istio namespace\'s egress gateway) or own (your own, in your namespace), not "mine".'));
    expect(() => parseCli(['--gateway', 'mine', '--lang', 'zh'], {})).toThrow(/^--gateway 只能是 shared（Istio 命名空间里的出口网关）或 own/);
  });
});

describe('--profile (the practice cluster\'s Istio profile)', () => {
  it('takes ambient or demo with practice or --practice, and refuses anything else or a real cluster', () => {
    expect(parseCli(['practice', '--profile', 'ambient'], {}).flags.profile).toBe('ambient');
    expect(parseCli(['run', '--practice', '--profile', 'demo', '--yes'], {}).flags.profile).toBe('demo');
    expect(parseCli(['run', '--yes'], {}).flags.profile).toBeUndefined();
    expect(() => parseCli(['practice', '--profile', 'minimal'], {})).toThrow('--profile "minimal" is not a practice cluster profile; the profiles are demo, ambient; run `egress-tutorial --help` for usage.');
    expect(() => parseCli(['run', '--yes', '--profile', 'ambient'], {})).toThrow(UsageError);
    expect(() => parseCli(['run', '--yes', '--profile', 'ambient', '--lang', 'zh'], {})).toThrow('--profile 只用于练习集群');
  });
});

describe('--gateway-api (the practice cluster\'s Gateway API CRDs)', () => {
  it('takes a channel with practice or --practice; istiod\'s alpha kinds follow experimental; anything else is one sentence', () => {
    const flags = parseCli(['practice', '--gateway-api', 'standard'], {}).flags;
    expect(flags.gatewayApi).toBe('standard');
    expect(installKnobs(flags)).toEqual({ gatewayApi: 'standard', alphaGatewayApi: false });
    expect(installKnobs(parseCli(['run', '--practice', '--gateway-api', 'experimental', '--yes'], {}).flags)).toEqual({ gatewayApi: 'experimental', alphaGatewayApi: true });
    expect(installKnobs(parseCli(['run', '--practice', '--yes'], {}).flags)).toEqual({});
    expect(() => parseCli(['practice', '--gateway-api', 'v1.3.0'], {})).toThrow('--gateway-api "v1.3.0" is not a Gateway API channel; choose none, standard, experimental; run `egress-tutorial --help` for usage.');
    expect(() => parseCli(['check', '--gateway-api', 'standard'], {})).toThrow('--gateway-api belongs to the practice cluster (`egress-tutorial practice --gateway-api experimental` or `--practice --gateway-api experimental`); on your own cluster install the CRDs with kubectl; run `egress-tutorial --help` for usage.');
    expect(() => parseCli(['check', '--gateway-api', 'standard', '--lang', 'zh'], {})).toThrow('--gateway-api 只用于练习集群');
  });
});

describe('--private-routes', () => {
  it("is the practice cluster's meshConfig.defaultVirtualServiceExportTo [\".\"]; elsewhere one sentence naming istioctl's flag", () => {
    expect(installKnobs(parseCli(['practice', '--private-routes'], {}).flags)).toEqual({ privateRoutes: true });
    expect(() => parseCli(['run', '--yes', '--private-routes'], {})).toThrow('--private-routes belongs to the practice cluster (`egress-tutorial practice --private-routes`); on your own cluster: istioctl install <your flags> --set meshConfig.defaultVirtualServiceExportTo[0]=. -y; run `egress-tutorial --help` for usage.');
  });
});
