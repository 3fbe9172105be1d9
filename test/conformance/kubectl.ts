// Runs the real kubectl against a practice cluster, with its own kubeconfig and cache dir.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PracticeCluster } from '../../src/practice/types.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  private constructor(
    readonly dir: string,
    readonly kubeconfig: string,
  ) {}

  static async for(cluster: PracticeCluster): Promise<Kubectl> {
    const dir = await mkdtemp(join(tmpdir(), 'practice-kubectl-'));
    const kubeconfig = await cluster.writeKubeconfig(join(dir, 'kubeconfig'));
    return new Kubectl(dir, kubeconfig);
  }

  /** kubectl with a kubeconfig of its own (a learner's token, say). */
  static async withKubeconfig(yaml: string): Promise<Kubectl> {
    const dir = await mkdtemp(join(tmpdir(), 'practice-kubectl-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, yaml, { mode: 0o600 });
    return new Kubectl(dir, kubeconfig);
  }

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'cache'), ...args];
  }

  private env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, HOME: this.dir, KUBECONFIG: this.kubeconfig };
  }

  run(args: string[], stdin?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile('kubectl', this.args(args), { env: this.env(), timeout: 30_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  }

  /** Applies YAML from stdin with --server-side. */
  apply(yaml: string, extra: string[] = []): Promise<KubectlResult> {
    return this.run(['apply', '--server-side', '-f', '-', ...extra], yaml);
  }

  /** A long-running kubectl (logs -f); `output()` is what it printed so far. */
  spawn(args: string[]): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
    const child = spawn('kubectl', this.args(args), { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => (out += c));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (c: string) => (out += c));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    return {
      child,
      output: () => out,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
