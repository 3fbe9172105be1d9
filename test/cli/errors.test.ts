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

  it('knows an error from the payload\'s own copy of a class by its name (the bundle has two copies)', () => {
    class OtherCliError extends Error {
      override name = 'CliError';
      constructor(
        message: string,
        readonly exitCode: number,
        readonly details?: string,
      ) {
        super(message);
      }
    }
    class OtherUsageError extends Error {
      override name = 'UsageError';
    }
    expect(describeFailure(new OtherCliError('Bad folder.', 1, 'a.yaml:3: oops\n'))).toEqual({ text: 'a.yaml:3: oops\negress-tutorial: Bad folder.', exitCode: 1 });
    expect(describeFailure(new OtherCliError('Bad --set.', 2))).toEqual({ text: 'egress-tutorial: Bad --set.', exitCode: 2 });
    expect(describeFailure(new OtherUsageError('Unknown flag --x.'))).toEqual({ text: 'egress-tutorial: Unknown flag --x.', exitCode: 2 });
    const setFlag = Object.assign(new Error('--set "foo" is not name=value.'), { name: 'SetFlagError' });
    expect(describeFailure(setFlag)).toEqual({ text: 'egress-tutorial: --set "foo" is not name=value.', exitCode: 2 });
  });

  it('never prints a stack for an unexpected error', () => {
    const error = new TypeError('x is undefined\n    at foo (file.js:1:1)');
    const { text, exitCode } = describeFailure(error);
    expect(exitCode).toBe(1);
    expect(text).toBe('egress-tutorial: unexpected error: x is undefined (please report it with the command you ran).');
    expect(describeFailure('plain string').text).toMatch(/unexpected error: plain string/);
  });
});
