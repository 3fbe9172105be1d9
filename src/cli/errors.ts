// Errors the CLI turns into one sentence and an exit code, never a stack trace.

import { ClusterError } from '../cluster/port.js';
import type { Lang } from '../lesson/model.js';
import { UsageError } from './args.js';
import { cliMessages } from './messages.js';

/** A failure with a sentence for the learner, an exit code, and optional detail lines (e.g. lesson problems). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly details?: string,
  ) {
    super(message);
  }
}

/** The text and exit code for anything that reached the top level. */
export function describeFailure(error: unknown, lang: Lang = 'en'): { text: string; exitCode: number } {
  if (error instanceof UsageError) return { text: `egress-tutorial: ${error.message}`, exitCode: 2 };
  if (error instanceof CliError) return { text: `${error.details ? `${error.details.replace(/\n+$/, '')}\n` : ''}egress-tutorial: ${error.message}`, exitCode: error.exitCode };
  if (error instanceof ClusterError) return { text: `egress-tutorial: ${error.message}`, exitCode: 1 };
  if (error instanceof Error && (error.name === 'SetFlagError' || error.name === 'ClusterError')) return { text: `egress-tutorial: ${error.message}`, exitCode: error.name === 'SetFlagError' ? 2 : 1 };
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return { text: `egress-tutorial: ${cliMessages(lang).unexpected(message)}`, exitCode: 1 };
}
