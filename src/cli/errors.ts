// Errors the CLI turns into one sentence and an exit code, never a stack trace.

import type { Lang } from '../lesson/model.js';
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

/**
 * The text and exit code for anything that reached the top level. Errors are told apart by name,
 * not by class: in the bundle the bin and the payload each have their own copy of these classes
 * (src/cli/payload.ts), so a CliError thrown in the payload is no instance of the bin's.
 */
export function describeFailure(error: unknown, lang: Lang = 'en'): { text: string; exitCode: number } {
  if (!(error instanceof Error)) return unexpected(String(error), lang);
  switch (error.name) {
    case 'UsageError':
    case 'SetFlagError':
      return { text: `egress-tutorial: ${error.message}`, exitCode: 2 };
    case 'CliError': {
      const { exitCode, details } = error as Partial<CliError>;
      return { text: `${details ? `${details.replace(/\n+$/, '')}\n` : ''}egress-tutorial: ${error.message}`, exitCode: typeof exitCode === 'number' ? exitCode : 1 };
    }
    case 'ClusterError':
      return { text: `egress-tutorial: ${error.message}`, exitCode: 1 };
    default:
      return unexpected(error.message.split('\n')[0] ?? '', lang);
  }
}

function unexpected(message: string, lang: Lang): { text: string; exitCode: number } {
  return { text: `egress-tutorial: ${cliMessages(lang).unexpected(message)}`, exitCode: 1 };
}
