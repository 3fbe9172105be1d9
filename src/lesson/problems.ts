// Collecting and printing lesson problems as `file:line: problem`.
import type { LessonProblem } from './model.js';

export class ProblemList {
  readonly items: LessonProblem[] = [];
  add(file: string, line: number, message: string): void {
    this.items.push({ file, line, message });
  }
  get count(): number {
    return this.items.length;
  }
}

/**
 * One line per problem: `file:line: problem`. Line 0 means the problem is about the whole file or
 * a command-line flag, printed as `file: problem`.
 */
export function formatProblems(problems: LessonProblem[]): string {
  return problems.map((p) => (p.line > 0 ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`)).join('\n');
}
