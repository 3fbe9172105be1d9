// Drill folders validated as lessons are: every problem as `file:line: problem`, through the
// loader and through `egress-tutorial validate` on a copy of the shipped lessons.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { loadDrills } from '../../src/drill/index.js';
import { defaultLessonsDir, formatProblems, loadLessonSet } from '../../src/lesson/index.js';
import { memoryIO } from '../cli/io.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A copy of the shipped lessons with one drill folder's files replaced. */
function copyWith(drill: string, files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'drill-validate-'));
  cpSync(defaultLessonsDir(), join(dir, 'lessons'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'lessons', 'drills', drill, name), text);
  return join(dir, 'lessons');
}

function problemsOf(lessonsDir: string): string {
  const { set, problems } = loadLessonSet(lessonsDir);
  expect(problems).toEqual([]);
  return formatProblems(loadDrills(set!).problems);
}

const shipped = (drill: string, file: string) => readFileSync(join(defaultLessonsDir(), 'drills', drill, file), 'utf8');

describe('drill validation', () => {
  it('the shipped drills have no problems, and the lesson loader does not take drills/ for a lesson', () => {
    const { set, problems } = loadLessonSet(defaultLessonsDir());
    expect(problems).toEqual([]);
    expect(set!.lessons.map((l) => l.id)).not.toContain('drills');
    expect(loadDrills(set!).problems).toEqual([]);
  });

  it('drill.yaml problems carry their line: unknown field, lesson outside 3–5, bad symptom, wrong step kind, unknown manifest, unknown variable', () => {
    const yaml = `lesson: 02-setup
colour: red
symptom: { httpStatus: 999, responseFlags: nc, gatewayLine: maybe }
steps:
  - id: fault
    kind: exec
  - id: base
    kind: apply
    manifests: [nothere.yaml]
  - id: request
    kind: exec
    target: client
    command: [curl, "http://{{nosuchHost}}/"]
    expect: { httpStatus: 200 }
`;
    const out = problemsOf(copyWith('subset-missing', { 'drill.yaml': yaml }));
    const f = 'drills/subset-missing/drill.yaml';
    expect(out).toMatch(new RegExp(`${f}:2: unknown field "colour"`));
    expect(out).toMatch(new RegExp(`${f}:1: drills belong to lessons 3 to 5`));
    expect(out).toMatch(new RegExp(`${f}:3: symptom.httpStatus must be an HTTP status from 100 to 599`));
    expect(out).toMatch(new RegExp(`${f}:3: symptom.responseFlags must be Envoy response flags like NC or UF,URX`));
    expect(out).toMatch(new RegExp(`${f}:3: symptom.gatewayLine must be true or false`));
    expect(out).toMatch(new RegExp(`${f}:6: step "fault" must be of kind apply`));
    expect(out).toMatch(new RegExp(`${f}:9: manifest file 02-setup/manifests/nothere.yaml does not exist`));
    expect(out).toMatch(new RegExp(`${f}:13: .*nosuchHost`));
  });

  it('gateway names the one mode a drill works in: own or shared, else a problem at its line', () => {
    const yaml = shipped('export-to', 'drill.yaml').replace('gateway: shared', 'gateway: sideways');
    const out = problemsOf(copyWith('export-to', { 'drill.yaml': yaml }));
    expect(out).toMatch(/^drills\/export-to\/drill\.yaml:3: gateway must be own or shared/m);
    const { set } = loadLessonSet(defaultLessonsDir());
    expect(loadDrills(set!).drills.find((d) => d.name === 'export-to')!.gateway).toBe('shared');
  });

  it('prose problems: a missing hint section, an unknown section, a missing language', () => {
    const en = shipped('gateway-host', 'en.md').replace('{#hint-field}', '{#hint-column}');
    const root = copyWith('gateway-host', { 'en.md': en });
    rmSync(join(root, 'drills', 'gateway-host', 'zh.md'));
    const out = problemsOf(root);
    expect(out).toMatch(/^drills\/gateway-host\/en\.md: the drill needs a "## Title \{#hint-field\}" section$/m);
    expect(out).toMatch(/^drills\/gateway-host\/en\.md:\d+: section \{#hint-column\} is not a drill section/m);
    expect(out).toMatch(/^drills\/gateway-host\/zh\.md: the Chinese text is missing: every drill needs en\.md and zh\.md$/m);
  });

  it('a fault manifest failing the Istio schema is reported at its line; `validate` prints it and exits 1', async () => {
    const manifest = shipped('port-mismatch', 'manifests/gateway-destinationrule.yaml').replace('      number: 443', '      number: "four-four-three"');
    const root = copyWith('port-mismatch', {});
    writeFileSync(join(root, 'drills', 'port-mismatch', 'manifests', 'gateway-destinationrule.yaml'), manifest);
    const line = manifest.split('\n').findIndex((l) => l.includes('four-four-three')) + 1;
    const io = memoryIO({});
    expect(await runCli(['validate', root], io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(new RegExp(`^drills/port-mismatch/manifests/gateway-destinationrule\\.yaml:${line}: Gateway "istio-egressgateway" fails the Istio schema`, 'm'));
    expect(io.stderr.join('\n')).toMatch(/1 problem in /);
  });
});
