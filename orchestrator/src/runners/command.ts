import { parse } from 'shell-quote';

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
