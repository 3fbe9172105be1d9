import { describe, expect, it } from 'vitest';
import { findPlaceholders, parseSetFlags, renderTemplate, SetFlagError } from '../../src/lesson/index.js';
import { lineOf, parseYaml, quoteLoneDashes, splitFieldPath } from '../../src/lesson/yaml-lines.js';
import { parseProse } from '../../src/lesson/prose.js';
import { ProblemList } from '../../src/lesson/problems.js';
import { typeProblem } from '../../src/lesson/course.js';

describe('renderTemplate', () => {
  it('substitutes known variables, with or without inner spaces, and leaves others alone', () => {
    const values = { httpHost: 'httpbin.org', namespace: 'default' };
    expect(renderTemplate('curl http://{{httpHost}}/x -n {{ namespace }}', values)).toBe('curl http://httpbin.org/x -n default');
    expect(renderTemplate('{{unknown}} and {{.status.phase}}', values)).toBe('{{unknown}} and {{.status.phase}}');
  });
  it('finds placeholders with their lines, ignoring Go-template text', () => {
    expect(findPlaceholders('a\n{{x}} {{ y }}\n{{.items}}\n{{z}}')).toEqual([
      { name: 'x', line: 2 },
      { name: 'y', line: 2 },
      { name: 'z', line: 4 },
    ]);
  });
});

describe('parseSetFlags', () => {
  it('splits at the first =, keeps = in values, last one wins', () => {
    expect(parseSetFlags(['httpHost=example.com', 'q=a=b', 'httpHost=example.org', 'empty='])).toEqual({ httpHost: 'example.org', q: 'a=b', empty: '' });
  });
  it('rejects a flag without a name or =, naming the fix', () => {
    expect(() => parseSetFlags(['httpHost'])).toThrow(SetFlagError);
    expect(() => parseSetFlags(['=x'])).toThrow('--set "=x" is not name=value; write it like --set httpHost=example.com.');
  });
});

describe('typeProblem', () => {
  it('checks dns-name, port, namespace and string values', () => {
    expect(typeProblem('dns-name', 'www.baidu.com')).toBeUndefined();
    expect(typeProblem('dns-name', 'WWW.example.com')).toMatch(/^not a DNS name: a lowercase RFC 1123 subdomain/);
    expect(typeProblem('port', '443')).toBeUndefined();
    expect(typeProblem('port', '0')).toBe('not a port: it must be a whole number from 1 to 65535');
    expect(typeProblem('port', '80.5')).toBe('not a port: it must be a whole number from 1 to 65535');
    expect(typeProblem('namespace', 'istio-system')).toBeUndefined();
    expect(typeProblem('namespace', 'a.b')).toMatch(/^not a namespace name: a lowercase RFC 1123 label/);
    expect(typeProblem('string', 'any thing: at all')).toBeUndefined();
    expect(typeProblem('string', 'two\nlines')).toMatch(/one line/);
  });
});

describe('parseYaml and lineOf', () => {
  const text = `# comment
apiVersion: v1
kind: X
spec:
  ports:
  - number: 80
    name: http
  - { number: 81, name: other }
  selector:
    app.kubernetes.io/name: curl
---
---
kind: Second
when: 2024-01-01
`;
  it('maps field paths to their lines, per document', () => {
    const r = parseYaml(text);
    if (!r.ok) throw new Error(r.message);
    const [first, empty, second] = r.documents;
    expect(first.line).toBe(2);
    expect(lineOf(first.lines, splitFieldPath('spec.ports[0].name'))).toBe(7);
    expect(lineOf(first.lines, splitFieldPath('spec.ports[1].number'))).toBe(8);
    expect(lineOf(first.lines, splitFieldPath('spec.selector[app.kubernetes.io/name]'))).toBe(10);
    expect(lineOf(first.lines, splitFieldPath('spec.ports[5].name'))).toBe(5); // deepest existing: spec.ports
    expect(empty.value).toBeNull();
    expect(second.line).toBe(13);
    expect(lineOf(second.lines, ['kind'])).toBe(13);
    expect(second.value).toEqual({ kind: 'Second', when: '2024-01-01' }); // dates stay strings
  });
  it('reports the parser line and reason on a syntax error', () => {
    expect(parseYaml('a: 1\nb: [1, 2\nc: 3\n')).toMatchObject({ ok: false, line: 3 });
  });
  it('splits field paths', () => {
    expect(splitFieldPath('spec.servers[0].port.number')).toEqual(['spec', 'servers', '0', 'port', 'number']);
    expect(splitFieldPath('metadata.labels[a.b/c]')).toEqual(['metadata', 'labels', 'a.b/c']);
  });
  it('quoteLoneDashes quotes only a lone - item in a flow list, outside strings and comments', () => {
    expect(quoteLoneDashes('c: [curl, -D, -, "a, -, b"] # x, -, y')).toBe('c: [curl, -D, "-", "a, -, b"] # x, -, y');
    expect(quoteLoneDashes('- a\n- -b')).toBe('- a\n- -b');
  });
});

describe('parseProse', () => {
  it('reads the title, summary and sections; headings in code fences are text', () => {
    const problems = new ProblemList();
    const prose = parseProse(
      '# Title\n\nSummary line.\n\n## First {#first}\n\nBody.\n\n~~~\n## not a step {#nope}\n~~~\n\n### A subheading\n\n## Second step {#second-step}\nEnd.\n',
      'x/en.md',
      problems,
    );
    expect(problems.items).toEqual([]);
    expect(prose.title).toBe('Title');
    expect(prose.summary).toBe('Summary line.');
    expect(prose.sections).toEqual([
      { id: 'first', title: 'First', body: 'Body.\n\n~~~\n## not a step {#nope}\n~~~\n\n### A subheading', line: 5 },
      { id: 'second-step', title: 'Second step', body: 'End.', line: 15 },
    ]);
  });
  it('reports an unclosed fence, a duplicate id and a missing title', () => {
    const problems = new ProblemList();
    parseProse('Intro\n## A {#a}\n## B {#a}\n```\ncode\n', 'x/zh.md', problems);
    expect(problems.items).toEqual([
      { file: 'x/zh.md', line: 3, message: 'step id "a" appears twice (first on line 2)' },
      { file: 'x/zh.md', line: 6, message: 'a code block opened with ``` is never closed' },
      { file: 'x/zh.md', line: 1, message: 'missing title: the file must start with "# Lesson title"' },
    ]);
  });
});
