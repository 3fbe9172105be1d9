import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { formatProblems, loadLessonSet, type LessonProblem, type LoadOptions } from '../../src/lesson/index.js';
import { GOOD, edit, lineOf, makeLessons } from './fixture.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function load(changes: Record<string, string | null> = {}, options: LoadOptions = {}) {
  const f = makeLessons(changes);
  cleanups.push(f.cleanup);
  return { ...loadLessonSet(f.lessons, { diagramsDir: f.diagrams, ...options }), dir: f.lessons };
}

/** Asserts the problems are exactly these `file:line`s, each message matching its pattern. */
function expectProblems(problems: LessonProblem[], expected: [string, RegExp][]): void {
  expect(problems.map((p) => `${p.file}:${p.line}`), formatProblems(problems)).toEqual(expected.map(([where]) => where));
  problems.forEach((p, i) => expect(p.message).toMatch(expected[i][1]));
}

describe('a good lesson folder', () => {
  it('loads both lessons, in order, with steps, both languages and substituted values', () => {
    const { set, problems, dir } = load();
    expect(problems).toEqual([]);
    expect(set).toBeDefined();
    const s = set!;
    expect(s.dir).toBe(dir);
    expect(s.lessons.map((l) => l.id)).toEqual(['01-setup', '02-http']);
    expect(s.values).toEqual({
      namespace: 'default', istioNamespace: 'istio-system', httpHost: 'httpbin.org', httpPort: '80',
      // Built-ins of the gateway mode (default shared: the Istio namespace's gateway).
      gatewayMode: 'shared', gatewayNamespace: 'istio-system', gatewayService: 'istio-egressgateway',
      gatewayHost: 'istio-egressgateway.istio-system.svc.cluster.local', gatewayLabel: 'egressgateway', exportTo: '[".", "istio-system"]',
    });
    expect(s.variables.map((v) => [v.name, v.type, v.default])).toEqual([['httpHost', 'dns-name', 'httpbin.org'], ['httpPort', 'port', '80']]);
    expect(s.variables[0].description).toEqual({ en: 'External HTTP host', zh: '外部 HTTP 主机' });
    expect(s.glossary).toEqual([
      { en: 'egress gateway', zh: '出口网关', note: { en: 'The exit point', zh: '出口点' } },
      { en: 'ServiceEntry', zh: '服务入口' },
    ]);

    const [setup, http] = s.lessons;
    expect(setup.title).toEqual({ en: 'Setup', zh: '环境搭建' });
    expect(setup.summary).toEqual({ en: 'Deploy the client in default.', zh: '在 default 中部署客户端。' });
    expect(setup.requires).toEqual([]);
    expect(setup.source).toEqual({ file: '01-setup/lesson.yaml', line: 1 });
    expect(setup.steps.map((st) => `${st.id}:${st.kind}`)).toEqual(['preflight:check', 'client:apply', 'picture:explain']);

    const [preflight, client, picture] = setup.steps;
    expect(preflight).toMatchObject({ kind: 'check', checks: ['cluster-reachable', 'egress-gateway'], title: { en: 'Pre-flight', zh: '预检' } });
    expect(preflight.body.en).toBe('Checks the cluster.\n\n```sh\n# not a heading: a shell comment\n```');
    expect(preflight.source).toEqual({ file: '01-setup/lesson.yaml', line: 2 });
    if (client.kind !== 'apply') throw new Error('client is an apply step');
    expect(client.waitFor).toEqual({ namespace: 'default', labels: { app: 'curl' }, container: 'curl' });
    expect(client.manifests).toHaveLength(1);
    expect(client.manifests[0].file).toBe('01-setup/manifests/curl.yaml');
    expect(client.manifests[0].objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/curl', 'Deployment/curl']);
    expect(picture).toMatchObject({ kind: 'explain', diagram: 'path.txt', diagramText: 'client -> sidecar -> httpbin.org\n', body: { en: 'Client to httpbin.org.', zh: '客户端到 httpbin.org。' } });

    expect(http.requires).toEqual(['01-setup']);
    const [se, curl, log, cleanup] = http.steps;
    if (se.kind !== 'apply' || curl.kind !== 'exec' || log.kind !== 'logs' || cleanup.kind !== 'delete') throw new Error('step kinds');
    expect(se.manifests[0].yaml).toContain('  - httpbin.org\n');
    expect(se.manifests[0].objects[0].spec).toEqual({ hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http-port', protocol: 'HTTP' }], resolution: 'DNS' });
    expect(curl).toMatchObject({ command: ['curl', '-sS', '-D', '-', 'http://httpbin.org:80/headers'], tagRequest: true, expect: { httpStatus: 200 } });
    expect(curl.target).toEqual({ namespace: 'default', labels: { app: 'curl' }, container: 'curl' });
    expect(log.target).toEqual({ namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' });
    expect(log.expect).toEqual({ requestFrom: 'curl-direct', authority: 'httpbin.org', upstreamClusterContains: 'outbound|80||httpbin.org' });
    expect(cleanup.objects).toEqual([
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn' },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'istio-system' },
    ]);
  });

  it('finds diagrams in assets/diagrams beside the lessons folder by default', () => {
    const f = makeLessons();
    cleanups.push(f.cleanup);
    mkdirSync(join(f.dir, 'assets', 'diagrams'), { recursive: true });
    writeFileSync(join(f.dir, 'assets', 'diagrams', 'path.txt'), 'beside {{namespace}}\n');
    const { set, problems } = loadLessonSet(f.lessons);
    expect(problems).toEqual([]);
    expect(set!.lessons[0].steps[2]).toMatchObject({ diagram: 'path.txt', diagramText: 'beside default\n' });
  });

  it('applies --set, -n and --istio-namespace everywhere', () => {
    const { set, problems } = load({}, { set: { httpHost: 'example.com', httpPort: '8080' }, namespace: 'learn', istioNamespace: 'mesh' });
    expect(problems).toEqual([]);
    const http = set!.lessons[1];
    const [se, curl, log] = http.steps;
    if (se.kind !== 'apply' || curl.kind !== 'exec' || log.kind !== 'logs') throw new Error('step kinds');
    expect(se.manifests[0].objects[0].spec).toMatchObject({ hosts: ['example.com'] });
    expect(curl.command[4]).toBe('http://example.com:8080/headers');
    expect(curl.target.namespace).toBe('learn');
    expect(log.target.namespace).toBe('mesh');
    expect(http.summary.zh).toBe('向 example.com 发送 HTTP 请求。');
    expect(set!.values).toMatchObject({ namespace: 'learn', istioNamespace: 'mesh', httpHost: 'example.com' });
  });
});

describe('problems, each at its file:line', () => {
  it('an unreadable lessons folder', () => {
    const missing = join(makeLessons().dir, 'nope');
    const r = loadLessonSet(missing);
    expect(r.set).toBeUndefined();
    expectProblems(r.problems, [[`${missing}:0`, /^cannot read the lessons folder: it does not exist; pass an existing folder with --lessons DIR$/]]);
  });

  it('a lessons path that is a file', () => {
    const f = makeLessons();
    cleanups.push(f.cleanup);
    const file = join(f.lessons, 'course.yaml');
    expectProblems(loadLessonSet(file).problems, [[`${file}:0`, /^cannot read the lessons folder: it is not a folder; pass an existing folder with --lessons DIR$/]]);
  });

  it('a folder that holds no course.yaml and no lesson is named once, not per subfolder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'not-lessons-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const sub of ['a', 'b', 'c']) mkdirSync(join(dir, sub));
    expectProblems(loadLessonSet(dir).problems, [[`${dir}:0`, /^this is not a lessons folder: it has no course\.yaml and no lesson folder with a lesson\.yaml/]]);
  });

  it('YAML that does not parse, with the parser line', () => {
    const text = edit('01-setup/lesson.yaml', 'checks: [cluster-reachable, egress-gateway]', 'checks: [cluster-reachable, egress-gateway');
    const r = load({ '01-setup/lesson.yaml': text });
    expect(r.set).toBeUndefined();
    expectProblems(r.problems, [['01-setup/lesson.yaml:5', /^YAML does not parse: /]]);
  });

  it('a lone - in a flow list names the fix', () => {
    const text = edit('02-http/lesson.yaml', '-D, "-",', '-D, -,');
    const r = load({ '02-http/lesson.yaml': text });
    expectProblems(r.problems, [[`02-http/lesson.yaml:${lineOf(text, '-D, -,')}`, /quote a lone - in a \[flow, list\] as "-"/]]);
  });

  it('an empty lesson.yaml, and a lesson.yaml that is not a mapping', () => {
    expectProblems(load({ '01-setup/lesson.yaml': '# nothing yet\n' }).problems, [['01-setup/lesson.yaml:1', /^lesson\.yaml is empty: it needs steps:/]]);
    expectProblems(load({ '01-setup/lesson.yaml': '# steps\n- id: a\n' }).problems, [['01-setup/lesson.yaml:2', /^lesson\.yaml must be a mapping with steps:/]]);
  });

  it('a byte-order mark does not hide the title', () => {
    const r = load({ '02-http/en.md': `\uFEFF${GOOD['02-http/en.md']}` });
    expect(r.problems).toEqual([]);
    expect(r.set!.lessons[1].title.en).toBe('HTTP');
  });

  it('an unknown step kind', () => {
    const text = edit('01-setup/lesson.yaml', 'kind: explain', 'kind: explane');
    const r = load({ '01-setup/lesson.yaml': text });
    expectProblems(r.problems, [[`01-setup/lesson.yaml:${lineOf(text, 'explane')}`, /^step "picture" has unknown kind "explane"; use one of explain, apply, delete, exec, logs, check$/]]);
  });

  it('a duplicate step id and a malformed one', () => {
    const lesson = edit('01-setup/lesson.yaml', 'id: picture', 'id: preflight');
    let r = load({ '01-setup/lesson.yaml': lesson });
    expect(r.problems[0]).toEqual({ file: '01-setup/lesson.yaml', line: 9, message: 'step id "preflight" appears twice (first on line 2)' });

    const bad = edit('01-setup/lesson.yaml', 'id: picture', 'id: The_Picture');
    r = load({
      '01-setup/lesson.yaml': bad,
      '01-setup/en.md': GOOD['01-setup/en.md'].replace('{#picture}', '{#The_Picture}'),
      '01-setup/zh.md': GOOD['01-setup/zh.md'].replace('{#picture}', '{#The_Picture}'),
    });
    expectProblems(r.problems, [
      [`01-setup/en.md:${lineOf(GOOD['01-setup/en.md'], '{#picture}')}`, /^step id "The_Picture" is not kebab-case/],
      ['01-setup/zh.md:13', /^step id "The_Picture" is not kebab-case/],
      ['01-setup/lesson.yaml:9', /^step id "The_Picture" is not kebab-case/],
    ]);
  });

  it('a step missing from zh.md', () => {
    const zh = GOOD['01-setup/zh.md'].replace('## 客户端 {#client}\n\n部署 curl。\n\n', '');
    const r = load({ '01-setup/zh.md': zh });
    expectProblems(r.problems, [['01-setup/lesson.yaml:5', /^step "client" has no "## Title \{#client\}" section in zh\.md$/]]);
  });

  it('a section that names no step, and steps out of order between languages', () => {
    const en = GOOD['01-setup/en.md'].replace('{#picture}', '{#pictures}');
    const zh = GOOD['01-setup/zh.md'].replace('## 预检 {#preflight}\n\n检查集群。\n\n', '').replace('## 路径 {#picture}', '## 预检 {#preflight}\n\n检查。\n\n## 路径 {#picture}');
    const r = load({ '01-setup/en.md': en, '01-setup/zh.md': zh });
    expectProblems(r.problems, [
      ['01-setup/lesson.yaml:9', /^step "picture" has no "## Title \{#picture\}" section in en\.md$/],
      [`01-setup/en.md:${lineOf(en, '{#pictures}')}`, /^section \{#pictures\} names no step in lesson\.yaml$/],
      [`01-setup/zh.md:${lineOf(zh, '{#client}')}`, /^section \{#client\} is out of order: lesson\.yaml has "preflight" here/],
    ]);
  });

  it('a missing language file', () => {
    const r = load({ '02-http/zh.md': null });
    expectProblems(r.problems, [['02-http/zh.md:0', /^the Chinese text is missing: every lesson needs en\.md and zh\.md$/]]);
  });

  it('a missing title, and a ## heading without a step id', () => {
    const en = GOOD['02-http/en.md'].replace('# HTTP\n', '').replace('## Cleanup {#cleanup}', '## Cleanup {#cleanup}\n\n## Notes');
    const r = load({ '02-http/en.md': en });
    expectProblems(r.problems, [
      [`02-http/en.md:${lineOf(en, '## Notes')}`, /^heading "## Notes" has no step id: write it as "## Title \{#step-id\}" \(use ### for a subheading\)$/],
      ['02-http/en.md:1', /^missing title: the file must start with "# Lesson title"$/],
    ]);
  });

  it('unknown variables in prose, commands, manifests and targets', () => {
    const course = edit('course.yaml', 'container: istio-proxy', 'container: "{{proxyName}}"');
    const lesson = edit('02-http/lesson.yaml', '"http://{{httpHost}}:{{httpPort}}/headers"', '"http://{{httpHots}}/headers"');
    const manifest = GOOD['02-http/manifests/serviceentry.yaml'].replace('name: cnn', 'name: "{{seName}}"');
    const zh = GOOD['02-http/zh.md'].replace('一行。', '一行：{{gatewayName}}。');
    const r = load({ 'course.yaml': course, '02-http/lesson.yaml': lesson, '02-http/manifests/serviceentry.yaml': manifest, '02-http/zh.md': zh });
    expectProblems(r.problems, [
      [`course.yaml:${lineOf(course, 'proxyName')}`, /^unknown variable \{\{proxyName\}\} \(variables: namespace, istioNamespace, gatewayMode, gatewayNamespace, gatewayService, gatewayHost, gatewayLabel, exportTo, httpHost, httpPort\)$/],
      [`02-http/lesson.yaml:${lineOf(lesson, 'httpHots')}`, /^unknown variable \{\{httpHots\}\}/],
      [`02-http/zh.md:${lineOf(zh, 'gatewayName')}`, /^unknown variable \{\{gatewayName\}\}/],
      [`02-http/manifests/serviceentry.yaml:${lineOf(manifest, 'seName')}`, /^unknown variable \{\{seName\}\}/],
    ]);
  });

  it('an unknown target name', () => {
    const lesson = edit('02-http/lesson.yaml', 'target: egressgateway', 'target: egress-gateway');
    const r = load({ '02-http/lesson.yaml': lesson });
    expectProblems(r.problems, [
      [`02-http/lesson.yaml:${lineOf(lesson, 'target: egress-gateway')}`, /^target of step "gateway-log" names unknown target "egress-gateway" \(targets: client, egressgateway\)$/],
    ]);
  });

  it('a manifest file that is missing', () => {
    const r = load({ '02-http/manifests/serviceentry.yaml': null });
    expectProblems(r.problems, [['02-http/lesson.yaml:5', /^manifest file 02-http\/manifests\/serviceentry\.yaml does not exist$/]]);
  });

  it('a manifest that does not parse', () => {
    const manifest = GOOD['02-http/manifests/serviceentry.yaml'].replace('  resolution: DNS', '  resolution: [DNS');
    const r = load({ '02-http/manifests/serviceentry.yaml': manifest });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].file).toBe('02-http/manifests/serviceentry.yaml');
    expect(r.problems[0].line).toBeGreaterThanOrEqual(12);
    expect(r.problems[0].message).toMatch(/^YAML does not parse: /);
  });

  it('a manifest document without kind or metadata.name, at its first line', () => {
    const manifest = GOOD['01-setup/manifests/curl.yaml'].replace('kind: Deployment\nmetadata:\n  name: curl\n', 'metadata:\n  labels: { a: b }\n');
    const r = load({ '01-setup/manifests/curl.yaml': manifest });
    expectProblems(r.problems, [['01-setup/manifests/curl.yaml:6', /^the object has no kind, metadata\.name$/]]);
  });

  it('an Istio manifest that fails the schema, at the offending field', () => {
    const manifest = GOOD['02-http/manifests/serviceentry.yaml']
      .replace('resolution: DNS', 'resolution: DSN')
      .replace('    name: http-port\n', '')
      .replace('    protocol: HTTP', '    protocol: HTTP\n    nmber: 1');
    const r = load({ '02-http/manifests/serviceentry.yaml': manifest });
    expectProblems(r.problems, [
      [`02-http/manifests/serviceentry.yaml:${lineOf(manifest, 'number: 80')}`, /^ServiceEntry "cnn" fails the Istio schema: spec\.ports\[0\]\.name: Required value$/],
      [`02-http/manifests/serviceentry.yaml:${lineOf(manifest, 'nmber')}`, /^ServiceEntry "cnn" fails the Istio schema: unknown field "spec\.ports\[0\]\.nmber"$/],
      [`02-http/manifests/serviceentry.yaml:${lineOf(manifest, 'DSN')}`, /^ServiceEntry "cnn" fails the Istio schema: spec\.resolution: Unsupported value: "DSN": supported values: "NONE", /],
    ]);
  });

  it('a Gateway API manifest that fails its schema, at the offending field', () => {
    const manifest = GOOD['02-http/manifests/serviceentry.yaml'] + '---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  parentRefs:\n  - name: g\n    colour: red\n';
    const r = load({ '02-http/manifests/serviceentry.yaml': manifest });
    expectProblems(r.problems, [[`02-http/manifests/serviceentry.yaml:${lineOf(manifest, 'colour')}`, /^HTTPRoute "r" fails the Gateway API schema: unknown field "spec\.parentRefs\[0\]\.colour"$/]]);
  });

  it('a --set value that breaks an Istio manifest is reported there too', () => {
    const r = load({}, { set: { httpHost: 'a'.repeat(300) } });
    expect(r.problems.map((p) => `${p.file}:${p.line}`)).toEqual([`--set httpHost=${'a'.repeat(300)}:0`]);
    expect(r.problems[0].message).toMatch(/^"a+" is not a DNS name: must be no more than 253 characters/);
  });

  it('requires naming a lesson that does not exist or comes later', () => {
    const setup = `requires: [02-http, 00-nothing]\n${GOOD['01-setup/lesson.yaml']}`;
    const r = load({ '01-setup/lesson.yaml': setup });
    expectProblems(r.problems, [
      ['01-setup/lesson.yaml:1', /^requires "02-http", which is not a lesson before this one \(earlier lessons: none\)$/],
      ['01-setup/lesson.yaml:1', /^requires "00-nothing", which is not a lesson before this one/],
    ]);
  });

  it('an unknown variable in a diagram, at the diagram file and line', () => {
    const f = makeLessons({ 'diagrams/path.txt': 'client\n  -> {{proxyHost}}\n' });
    cleanups.push(f.cleanup);
    const r = loadLessonSet(f.lessons, { diagramsDir: f.diagrams });
    expectProblems(r.problems, [[`${join(f.diagrams, 'path.txt')}:2`, /^unknown variable \{\{proxyHost\}\}/]]);
  });

  it('a diagram missing from the diagrams folder', () => {
    const r = load({ 'diagrams/path.txt': null });
    expectProblems(r.problems, [['01-setup/lesson.yaml:11', /^diagram "path\.txt" of step "picture" does not exist in /]]);
  });

  it('--set of an unknown variable, or of a built-in', () => {
    const r = load({}, { set: { httpHots: 'x.org', namespace: 'foo' } });
    expectProblems(r.problems, [
      ['--set httpHots=x.org:0', /^there is no variable "httpHots" \(variables: httpHost, httpPort\)$/],
      ['--set namespace=foo:0', /^the client namespace comes from -n\/--namespace, not --set$/],
    ]);
  });

  it('values that fail their type: dns-name, port, namespace', () => {
    const r = load({}, { set: { httpHost: 'Bad_Host', httpPort: '70000' }, namespace: 'My-NS' });
    expectProblems(r.problems, [
      ['--namespace My-NS:0', /^the client namespace "My-NS" is not a namespace name: a lowercase RFC 1123 label must consist of/],
      ['--set httpHost=Bad_Host:0', /^"Bad_Host" is not a DNS name: a lowercase RFC 1123 subdomain must consist of/],
      ['--set httpPort=70000:0', /^"70000" is not a port: it must be a whole number from 1 to 65535$/],
    ]);
    // A value with YAML syntax in it is refused once, not substituted into manifests to fail again there.
    const yamlish = load({}, { set: { httpHost: 'a: [b' } });
    expectProblems(yamlish.problems, [['--set httpHost=a: [b:0', /^"a: \[b" is not a DNS name/]]);
    const long = load({}, { istioNamespace: 'n'.repeat(64) });
    expectProblems(long.problems, [[`--istio-namespace ${'n'.repeat(64)}:0`, /^the Istio namespace "n+" is not a namespace name: must be no more than 63 characters$/]]);
  });

  it('a default in course.yaml that fails its type', () => {
    const course = edit('course.yaml', 'default: "80"', 'default: "http"');
    const r = load({ 'course.yaml': course });
    expectProblems(r.problems, [[`course.yaml:${lineOf(course, 'default: "http"')}`, /^the default of httpPort, "http", is not a port/]]);
  });

  it('unknown fields, checks and bad expectations in steps', () => {
    const lesson = GOOD['02-http/lesson.yaml']
      .replace('tagRequest: true', 'tagRequest: yes please')
      .replace('expect: { httpStatus: 200 }', 'expect: { httpStatus: 2000, status: 1 }')
      .replace('requestFrom: curl-direct', 'requestFrom: cleanup');
    const setup = edit('01-setup/lesson.yaml', 'checks: [cluster-reachable, egress-gateway]', 'checks: [cluster-reachable, egress-gateways]\n    comand: x');
    const r = load({ '02-http/lesson.yaml': lesson, '01-setup/lesson.yaml': setup });
    expectProblems(r.problems, [
      ['01-setup/lesson.yaml:5', /^unknown field "comand" in check step "preflight" \(it takes checks, when\)$/],
      ['01-setup/lesson.yaml:4', /^unknown check "egress-gateways" in step "preflight"/],
      [`02-http/lesson.yaml:${lineOf(lesson, 'yes please')}`, /^tagRequest of step "curl-direct" must be true or false$/],
      [`02-http/lesson.yaml:${lineOf(lesson, 'status: 1')}`, /^unknown field "status" in the expect of step "curl-direct"/],
      [`02-http/lesson.yaml:${lineOf(lesson, 'status: 1')}`, /^expect\.httpStatus of step "curl-direct" must be a whole number from 100 to 599$/],
      [`02-http/lesson.yaml:${lineOf(lesson, 'requestFrom')}`, /^expect\.requestFrom of step "gateway-log" must name an exec step earlier in this lesson/],
    ]);
  });
});

describe('expect.exitCode', () => {
  it('takes one code or a list of codes (any of which passes)', () => {
    const lesson = GOOD['02-http/lesson.yaml'].replace('expect: { httpStatus: 200 }', 'expect: { exitCode: [35, 56] }');
    const r = load({ '02-http/lesson.yaml': lesson });
    expect(r.problems).toEqual([]);
    const step = r.set?.lessons[1].steps.find((s) => s.id === 'curl-direct');
    expect(step?.kind === 'exec' && step.expect.exitCode).toEqual([35, 56]);
  });

  it('a bad list is a problem at its file:line', () => {
    for (const bad of ['[]', '[35, "56"]', '[35, 300]']) {
      const lesson = GOOD['02-http/lesson.yaml'].replace('expect: { httpStatus: 200 }', `expect: { exitCode: ${bad} }`);
      expectProblems(load({ '02-http/lesson.yaml': lesson }).problems, [
        [`02-http/lesson.yaml:${lineOf(lesson, 'exitCode')}`, /^expect\.exitCode of step "curl-direct" must be a whole number from 0 to 255, or a non-empty list of them like \[35, 56\]$/],
      ]);
    }
  });
});

describe('formatProblems', () => {
  it('prints file:line: problem, and file: problem for whole files and flags', () => {
    expect(
      formatProblems([
        { file: '01-a/lesson.yaml', line: 3, message: 'x' },
        { file: '--set a=b', line: 0, message: 'y' },
      ]),
    ).toBe('01-a/lesson.yaml:3: x\n--set a=b: y');
  });
});

describe('gateway modes (issue 11)', () => {
  // A step only the own mode walks, with a manifest naming the gateway of the mode.
  const ownStep = `  - id: own-gateway
    kind: apply
    when: { gateway: own }
    manifests: [gateway.yaml]
`;
  const gatewayYaml = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: to-gateway
spec:
  host: "{{gatewayHost}}"
  exportTo: {{exportTo}}
`;
  const withOwnStep = (): Record<string, string> => ({
    '01-setup/lesson.yaml': `${GOOD['01-setup/lesson.yaml']}${ownStep}`,
    '01-setup/en.md': `${GOOD['01-setup/en.md']}\n## Your gateway {#own-gateway}\n\nDeploys {{gatewayService}} in {{gatewayNamespace}}.\n`,
    '01-setup/zh.md': `${GOOD['01-setup/zh.md']}\n## 你的网关 {#own-gateway}\n\n在 {{gatewayNamespace}} 中部署 {{gatewayService}}。\n`,
    '01-setup/manifests/gateway.yaml': gatewayYaml,
  });

  it('a `when: { gateway: own }` step is walked in own mode only, rendered with that mode\'s values', () => {
    const shared = load(withOwnStep(), { namespace: 'learner-01' });
    expect(shared.problems).toEqual([]);
    expect(shared.set!.gateway).toBe('shared');
    expect(shared.set!.lessons[0].steps.map((s) => s.id)).toEqual(['preflight', 'client', 'picture']);
    const own = load(withOwnStep(), { namespace: 'learner-01', gateway: 'own' });
    expect(own.problems).toEqual([]);
    const step = own.set!.lessons[0].steps.find((s) => s.id === 'own-gateway')!;
    expect(step.when).toEqual({ gateway: 'own' });
    expect(step.body.en).toContain('Deploys egressgateway in learner-01.');
    if (step.kind !== 'apply') throw new Error('expected an apply step');
    expect(step.manifests[0].objects[0].spec).toEqual({ host: 'egressgateway.learner-01.svc.cluster.local', exportTo: ['.'] });
    expect(own.set!.values).toMatchObject({ gatewayMode: 'own', gatewayLabel: 'egressgateway-learner-01', gatewayNamespace: 'learner-01' });
  });

  it('a bad when is a problem at its line', () => {
    const lesson = `${GOOD['01-setup/lesson.yaml']}${ownStep}`.replace('when: { gateway: own }', 'when: { gateway: mine, zone: a }');
    const r = load({ ...withOwnStep(), '01-setup/lesson.yaml': lesson });
    expectProblems(r.problems, [
      [`01-setup/lesson.yaml:${lineOf(lesson, 'when:')}`, /^unknown field "zone" in the when of step "own-gateway" \(it takes gateway\)$/],
      [`01-setup/lesson.yaml:${lineOf(lesson, 'when:')}`, /^when\.gateway of step "own-gateway" must be shared or own, not "mine"$/],
    ]);
  });

  it('exportTo is checked the way istiod checks it: "." beside the own namespace is a duplicate (named as istiod names it)', () => {
    const manifest = gatewayYaml.replace('exportTo: {{exportTo}}', 'exportTo: [".", "{{namespace}}", "*"]');
    const r = load({ ...withOwnStep(), '01-setup/manifests/gateway.yaml': manifest }, { gateway: 'own' });
    expectProblems(r.problems, [
      ['01-setup/manifests/gateway.yaml:7', /^DestinationRule "to-gateway" would be refused by Istio: duplicate entries in exportTo for entry default$/],
      ['01-setup/manifests/gateway.yaml:7', /^DestinationRule "to-gateway" would be refused by Istio: cannot have both public \(\*\) and non-public exportTo values for a resource$/],
    ]);
  });

  it('a namespace too long for the own gateway\'s label is a flag problem; the mode built-ins cannot be --set', () => {
    const long = 'n'.repeat(55);
    expectProblems(load({}, { gateway: 'own', namespace: long }).problems, [[`--namespace ${long}:0`, /^the client namespace is too long for an own gateway: .*, so use a namespace of at most 49 characters or --gateway shared$/]]);
    expectProblems(load({}, { set: { gatewayHost: 'x' } }).problems, [['--set gatewayHost=x:0', /^gatewayHost follows from the gateway mode \(--gateway shared\|own\), not --set$/]]);
  });
});
