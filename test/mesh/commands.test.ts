// The command dispatcher: sh -c lists and pipelines, the small utilities, unknown programs.
import { describe, expect, it } from 'vitest';
import { expandWord, parseCommandLine, type Word } from '../../src/mesh/shell.js';
import { baseState, CLIENT, run, SE_HTTPBIN } from './fixtures.js';

const sh = (line: string, shell = 'sh') => run(baseState({ objects: [SE_HTTPBIN] }), [shell, '-c', line]);

describe('sh -c', () => {
  it('splits on ; && || and keeps the last exit code', () => {
    expect(sh('echo a; echo b && echo c')).toMatchObject({ stdout: 'a\nb\nc\n', exitCode: 0 });
    expect(sh('false && echo no; echo $?')).toMatchObject({ stdout: '1\n', exitCode: 0 });
    expect(sh('false || echo rescued')).toMatchObject({ stdout: 'rescued\n', exitCode: 0 });
    expect(sh('true; false')).toMatchObject({ exitCode: 1 });
  });

  it('bash -c works the same', () => {
    expect(sh('hostname && echo ok', 'bash')).toMatchObject({ stdout: `${CLIENT.name}\nok\n`, exitCode: 0 });
  });

  it('quotes and variables', () => {
    expect(sh(`echo 'single $HOSTNAME' "double $HOSTNAME" \${HOSTNAME}x`).stdout).toBe(`single $HOSTNAME double ${CLIENT.name} ${CLIENT.name}x\n`);
    expect(sh('echo "a\\"b"').stdout).toBe('a"b\n');
  });

  it('runs curl with quoted arguments and pipes its output', () => {
    const r = sh("curl -s -H 'x-request-id: in-shell' http://httpbin.org/headers | grep -i request-id");
    expect(r.stdout).toBe('    "X-Request-Id": "in-shell"\n');
    expect(r.exitCode).toBe(0);
    expect(r.accessLog).toHaveLength(1);
  });

  it('redirects to /dev/null and 2>&1', () => {
    expect(sh('curl -sS http://x.invalid/ 2>/dev/null; echo $?')).toMatchObject({ stdout: '6\n', stderr: '' });
    expect(sh('curl -sS http://x.invalid/ 2>&1 | wc -l')).toMatchObject({ stdout: '1\n', stderr: '' });
    expect(sh('echo hidden > /dev/null')).toMatchObject({ stdout: '' });
  });

  it('head, tail, wc, cat from stdin', () => {
    expect(sh('cat /etc/resolv.conf | head -n 1').stdout).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\n');
    expect(sh('cat /etc/resolv.conf | tail -1').stdout).toBe('options ndots:5\n');
    expect(sh('echo one two | wc -w').stdout).toBe('2\n');
  });

  it('unknown commands: "not found", exit 127', () => {
    expect(sh('nosuchtool --x')).toMatchObject({ stderr: 'sh: nosuchtool: not found\n', exitCode: 127 });
  });

  it('syntax errors as the shell reports them', () => {
    expect(sh("echo 'open")).toMatchObject({ stderr: 'sh: syntax error: unterminated quoted string\n', exitCode: 2 });
    expect(sh('| echo')).toMatchObject({ exitCode: 2 });
    expect(sh('echo a &&')).toMatchObject({ exitCode: 2 });
  });

  it('exit stops the script with its code', () => {
    expect(sh('echo a; exit 3; echo b')).toMatchObject({ stdout: 'a\n', exitCode: 3 });
  });

  it('parses a list into pipelines with operators', () => {
    const r = parseCommandLine('a "b $X" | c; d && e');
    const words = (argv: Word[]) => argv.map((w) => expandWord(w, (v) => `<${v}>`)).join(' ');
    expect(r.ok && r.list.items.map((i) => [i.op, i.pipeline.commands.map((c) => words(c.argv))])).toEqual([
      [';', ['a b <X>', 'c']],
      [';', ['d']],
      ['&&', ['e']],
    ]);
  });
});

describe('programs run directly', () => {
  const direct = (argv: string[]) => run(baseState(), argv);

  it('echo, hostname, true, false, sleep', () => {
    expect(direct(['echo', 'hello', 'world'])).toMatchObject({ stdout: 'hello world\n', exitCode: 0 });
    expect(direct(['echo', '-n', 'x']).stdout).toBe('x');
    expect(direct(['hostname']).stdout).toBe(`${CLIENT.name}\n`);
    expect(direct(['true']).exitCode).toBe(0);
    expect(direct(['false']).exitCode).toBe(1);
    expect(direct(['sleep', '3600'])).toMatchObject({ exitCode: 0, stdout: '' });
    expect(direct(['sleep', 'soon']).exitCode).toBe(1);
  });

  it('env, cat /etc/hostname, cat /etc/resolv.conf', () => {
    expect(direct(['env']).stdout).toContain(`HOSTNAME=${CLIENT.name}\n`);
    expect(direct(['cat', '/etc/hostname']).stdout).toBe(`${CLIENT.name}\n`);
    expect(direct(['cat', '/etc/resolv.conf']).stdout).toContain('nameserver 10.96.0.10\n');
    expect(direct(['cat', '/nope'])).toMatchObject({ exitCode: 1, stderr: "cat: can't open '/nope': No such file or directory\n" });
  });

  it('an unknown program: exit 127 with the runtime\'s "not found"', () => {
    const r = direct(['kubectl', 'get', 'pods']);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('exec: "kubectl": executable file not found in $PATH');
  });

  it('absolute program paths work', () => {
    expect(direct(['/bin/sh', '-c', 'echo hi']).stdout).toBe('hi\n');
  });
});

describe('small network and system tools', () => {
  const direct = (argv: string[]) => run(baseState(), argv);

  it('nslookup: cluster services, public names, NXDOMAIN', () => {
    expect(direct(['nslookup', 'istio-egressgateway.istio-system']).stdout).toContain('Name:\tistio-egressgateway.istio-system.svc.cluster.local\nAddress: 10.96.120.14\n');
    expect(direct(['nslookup', 'httpbin.org']).stdout).toContain('Non-authoritative answer:\nName:\thttpbin.org\nAddress: 44.207.188.95\n');
    expect(direct(['nslookup', 'nope.invalid'])).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("** server can't find nope.invalid: NXDOMAIN") });
  });

  it('date, which', () => {
    expect(direct(['date']).stdout).toBe('Tue Nov 24 06:00:00 UTC 2026\n');
    expect(direct(['which', 'curl'])).toMatchObject({ stdout: '/usr/bin/curl\n', exitCode: 0 });
    expect(direct(['which', 'kubectl']).exitCode).toBe(1);
  });
});

describe('stdin', () => {
  it('sh without -c runs what arrives on stdin; cat echoes it', () => {
    const r = run(baseState(), ['sh'], { stdin: 'echo one\ncurl -s -o /dev/null -w "%{http_code}" http://httpbin.org/status/204\n' });
    expect(r).toMatchObject({ stdout: 'one\n204', exitCode: 0 });
    expect(run(baseState(), ['cat'], { stdin: 'piped' }).stdout).toBe('piped');
    expect(run(baseState(), ['sh']).exitCode).toBe(0);
  });
});

describe('wget and files', () => {
  const sh2 = (line: string, state = baseState({ objects: [SE_HTTPBIN] })) => run(state, ['sh', '-c', line]);

  it('wget -qO- prints the body; its request shows up in the sidecar log with user agent Wget', () => {
    const r = sh2('wget -qO- http://httpbin.org/user-agent');
    expect(JSON.parse(r.stdout)).toEqual({ 'user-agent': 'Wget' });
    expect(r.accessLog[0].line).toContain('"Wget"');
  });

  it('wget reports HTTP errors and DNS failures as busybox does', () => {
    expect(sh2('wget -q -O - http://httpbin.org/status/503')).toMatchObject({ exitCode: 1, stderr: 'wget: server returned error: HTTP/1.1 503 Service Unavailable\n' });
    expect(sh2('wget -q http://nope.invalid/')).toMatchObject({ exitCode: 1, stderr: "wget: bad address 'nope.invalid'\n" });
  });

  it('files written by wget and curl -o can be read later in the same exec', () => {
    expect(sh2('wget -q http://httpbin.org/ip && cat ip').stdout).toContain('"origin"');
    expect(sh2('curl -s -o /tmp/h.json http://httpbin.org/ip; cat /tmp/h.json').stdout).toContain('203.0.113.10');
  });
});

describe('command substitution', () => {
  it('$(...) runs a command and splices its output in', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN] }), ['sh', '-c', 'curl -s -H "x-request-id: run-$(date +%s)" http://httpbin.org/headers | grep Request-Id; echo "host=$(hostname)"']);
    expect(r.stdout).toBe(`    "X-Request-Id": "run-${Math.floor(Date.parse('2026-11-24T06:00:00.123Z') / 1000)}"\nhost=${CLIENT.name}\n`);
    expect(run(baseState(), ['sh', '-c', 'echo $(echo "a (b)")']).stdout).toBe('a (b)\n');
    expect(run(baseState(), ['sh', '-c', 'echo $(hostname']).exitCode).toBe(2);
  });

  it('date +FORMAT', () => {
    expect(run(baseState(), ['date', '+%Y-%m-%dT%H:%M:%S%Z']).stdout).toBe('2026-11-24T06:00:00UTC\n');
  });
});
