import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { CliError, describeFailure } from '../../src/cli/errors.js';
import { ClusterError } from '../../src/cluster/port.js';

describe('describeFailure', () => {
  it('maps each kind of failure to one sentence and its exit code', () => {
    expect(describeFailure(new UsageError('Unknown flag --x.'))).toEqual({ text: 'egress-tutorial: Unknown flag --x.', exitCode: 2 });
    expect(describeFailure(new ClusterError('Cannot reach the API.', 'unreachable'))).toEqual({ text: 'egress-tutorial: Cannot reach the API.', exitCode: 1 });
    expect(describeFailure(new CliError('Bad folder.', 1, 'a.yaml:3: oops\n'))).toEqual({ text: 'a.yaml:3: oops\negress-tutorial: Bad folder.', exitCode: 1 });
  });

  it('never prints a stack for an unexpected error', () => {
    const error = new TypeError('x is undefined\n    at foo (file.js:1:1)');
    const { text, exitCode } = describeFailure(error);
    expect(exitCode).toBe(1);
    expect(text).toBe('egress-tutorial: unexpected error: x is undefined (please report it with the command you ran).');
    expect(describeFailure('plain string').text).toMatch(/unexpected error: plain string/);
  });
});
