import { AppError } from '@gha-ephemeral/contract';

/** One bad variable: its name and what is wrong with it, e.g. `expected a whole number ..., got "abc"`. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/**
 * Every configuration problem found at start, thrown at once (code `config.invalid`). The message lists each
 * bad variable on its own line; it never holds the value of a secret.
 */
export class ConfigError extends AppError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super('config.invalid', formatProblems(problems));
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${problem.variable}: ${problem.message}`);
  return [`Invalid configuration (${count}):`, ...lines].join('\n');
}
