import { AppError } from '@gha-ephemeral/contract';
import { parse } from 'shell-quote';
import { fillText, type Placeholder, type PlaceholderValues } from './template.js';

/**
 * Splits `RUNNER_COMMAND` into arguments the way a POSIX shell splits words (quotes, backslashes), without ever
 * running a shell: `$VAR` stays literal, and shell operators (`;`, `|`, `&&`, redirections) are refused, because
 * they would silently become plain arguments. Someone who needs a shell writes `sh -c '…'` explicitly.
 * Throws an `Error` whose message says what to change.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  for (const entry of parse(text, (name) => `$${name}`)) {
    if (typeof entry === 'string') {
      words.push(entry);
    } else if ('op' in entry && entry.op === 'glob') {
      words.push(entry.pattern);
    } else if ('op' in entry) {
      throw new Error(
        `contains the shell operator "${entry.op}", but it is not run by a shell; quote it, or use sh -c '…' explicitly`,
      );
    } else {
      throw new Error('contains a "#" comment; quote the "#" or remove the comment');
    }
  }
  return words;
}

/**
 * What a placeholder's value may hold. Values come from requests (labels), from GitHub (names, tokens, the JIT
 * configuration) and from the host; a command word may be a `sh -c` script and an image's entry point may
 * interpolate its environment, so a value holds nothing a shell, `env NAME=value` or a line-based format gives
 * meaning to: no whitespace, newline, NUL or other control character, quote, `$`, backquote, `;`, `|`, `&`,
 * `<`, `>`, `(`, `)`, `*`, `?`, `[`, `]`, `{`, `}`, `#`, `!`, `\` or `=`. `=` is allowed only at the end, where it is
 * the padding of GitHub's base64 JIT configuration (labels and names never hold one).
 */
const SAFE_VALUE = /^[A-Za-z0-9._,:/@%+~-]*=*$/;

/**
 * Refuses to start a runner when a value the template or command uses could change the words of
 * `RUNNER_COMMAND` or add an environment variable. Request labels and GitHub's names are checked long before
 * (400); this is the last line, whatever path a value came by. Throws `runner.template_invalid` naming the
 * placeholder, never the value (it may be a credential).
 */
export function ensureSafeValues(values: Readonly<PlaceholderValues>, uses: ReadonlySet<Placeholder>): void {
  const unsafe = [...uses].filter((name) => !SAFE_VALUE.test(values[name]));
  if (unsafe.length === 0) return;
  throw new AppError(
    'runner.template_invalid',
    `Refused to start a runner: the value of ${unsafe.map((name) => `{${name}}`).join(', ')} holds characters that could change the runner's command or environment`,
  );
}

/**
 * The container's command: each word of `RUNNER_COMMAND` with its placeholders filled, one word in, one word out.
 * A value is never split into more words, and never joined with its neighbours.
 */
export function fillCommand(words: readonly string[], values: Readonly<PlaceholderValues>): string[] {
  return words.map((word) => fillText(word, values));
}
