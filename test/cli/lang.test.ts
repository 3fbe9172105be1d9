// The CLI's own sentences follow --lang / LANG; the English text stays as scripts know it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { argvLang, parseCli } from '../../src/cli/args.js';
import { runCli } from '../../src/cli/cli.js';
import { describeFailure } from '../../src/cli/errors.js';
import { memoryIO } from './io.js';

const state = mkdtempSync(join(tmpdir(), 'cli-lang-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('CLI sentences in Chinese', () => {
  it('usage errors follow --lang (even before it is parsed) and LANG', () => {
    expect(() => parseCli(['--bogus', '--lang', 'zh'], {})).toThrow(/^未知选项 --bogus；用法见 `egress-tutorial --help`。$/);
    expect(() => parseCli(['frobnicate'], { LANG: 'zh_CN.UTF-8' })).toThrow(/^未知命令 "frobnicate"；可用的命令有 /);
    expect(() => parseCli(['list', 'x', '--lang=zh'], {})).toThrow(/^"list" 不接受参数，却收到了 "x"/);
    expect(() => parseCli(['-n', 'Bad_NS'], { LC_ALL: 'zh_CN' })).toThrow(/不是合法的命名空间名/);
    // English unchanged.
    expect(() => parseCli(['--bogus'], {})).toThrow(/^Unknown flag --bogus; run `egress-tutorial --help` for usage\.$/);
    expect(argvLang(['--lang', 'en'], { LANG: 'zh_CN' })).toBe('en');
  });

  it('top-level errors: unexpected ones in Chinese, English unchanged', () => {
    expect(describeFailure(new TypeError('boom'), 'zh').text).toBe('egress-tutorial: 意外错误：boom（请连同所运行的命令一起报告）。');
    expect(describeFailure(new TypeError('boom')).text).toBe('egress-tutorial: unexpected error: boom (please report it with the command you ran).');
  });

  it('run and reset refusals, and the check and reset reports, in Chinese', async () => {
    const env = { XDG_STATE_HOME: state, LANG: 'zh_CN.UTF-8' };
    const run = memoryIO(env);
    expect(await runCli(['run'], run)).toBe(2);
    expect(run.stderr[0]).toBe('egress-tutorial: `run` 会把课程的清单应用到集群：加上 --yes 确认（或者启动交互式教程）。');
    const unknown = memoryIO(env);
    expect(await runCli(['run', 'nope', '--yes', '--practice'], unknown)).toBe(2);
    expect(unknown.stderr[0]).toMatch(/^egress-tutorial: 未知课程 "nope"；可用的课程有 01-/);

    const check = memoryIO(env);
    expect(await runCli(['check', '--practice'], check)).toBe(0);
    expect(check.stdout[0]).toBe('预检：练习集群（模拟），命名空间 default，Istio 位于 istio-system：');
    expect(check.stdout.at(-1)).toMatch(/^已就绪/);
    // The check lines come from the cluster port: they follow --lang/LANG too.
    const checkLines = check.stdout.filter((l) => /^(PASS|WARN|FAIL) /.test(l));
    expect(checkLines.length).toBeGreaterThan(5);
    for (const line of checkLines) expect(line).toMatch(/[\u4e00-\u9fff]/);

    const reset = memoryIO(env);
    expect(await runCli(['reset', '--practice'], reset)).toBe(2);
    expect(reset.stderr[0]).toBe('egress-tutorial: `reset` 会删除本教程创建的对象和保存的进度：加上 --yes 确认。');
    const resetYes = memoryIO(env);
    expect(await runCli(['reset', '--practice', '--yes'], resetYes)).toBe(0);
    expect(resetYes.stdout.at(-1)).toBe('完成：已删除本教程创建的对象，并清除了保存的进度。');
  }, 60_000);
});
