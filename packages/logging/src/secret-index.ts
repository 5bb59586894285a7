import { RadixTrie } from './radix-trie.js';
import { WindowFilter } from './window-filter.js';

/**
 * The secret values being hidden, each held by a count of references, so that a value two secrets share (the
 * same token learnt twice, a configuration secret that is also learnt) stays until its last holder lets go.
 * Every value is at least `WINDOW` (6) characters long.
 */
export class SecretIndex {
  readonly #references = new Map<string, number>();
  readonly #trie = new RadixTrie();
  readonly #filter = new WindowFilter();

  /** How many distinct values are hidden. */
  get size(): number {
    return this.#references.size;
  }

  /** Takes one reference to `value`, which must be at least `WINDOW` (6) characters long. */
  acquire(value: string): void {
    const count = this.#references.get(value) ?? 0;
    this.#references.set(value, count + 1);
    if (count > 0) return;
    this.#trie.insert(value);
    this.#filter.add(value);
  }

  /** Lets go of one reference to `value`; the value stops being hidden when none is left. */
  release(value: string): void {
    const count = this.#references.get(value);
    if (count === undefined) return;
    if (count > 1) {
      this.#references.set(value, count - 1);
      return;
    }
    this.#references.delete(value);
    this.#trie.delete(value);
    this.#filter.remove(value);
  }

  /**
   * `text` with every hidden value replaced by `replacement`, scanning left to right; where several values
   * start at the same place the longest wins, so a secret that contains another is replaced whole, and the
   * scan goes on after it (as a global regular expression would). One pass over the text: a position costs a
   * hash update and a table read, and only where the filter says "maybe" a walk down the trie, as long as the
   * text agrees with a value; the cost of a line grows with its length, not with the number of values.
   */
  replaceAll(text: string, replacement: string): string {
    if (this.#references.size === 0) return text;
    let result = '';
    let copied = 0;
    let position = this.#filter.nextCandidate(text, 0);
    while (position !== -1) {
      const length = this.#trie.longestMatchAt(text, position);
      if (length > 0) {
        result += text.slice(copied, position) + replacement;
        copied = position + length;
      }
      position = this.#filter.nextCandidate(text, position + Math.max(length, 1));
    }
    // Nothing replaced: the same string back, so a clean line costs no copy.
    return copied === 0 ? text : result + text.slice(copied);
  }
}
