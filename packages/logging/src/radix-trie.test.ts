import { describe, expect, it } from 'vitest';
import { RadixTrie } from './radix-trie.js';
import { randomText, seededRandom } from './testing/random-text.js';

/** The longest of `words` that `text` holds at `start`, by brute force. */
function longestByBruteForce(words: Iterable<string>, text: string, start: number): number {
  let longest = 0;
  for (const word of words) if (word.length > longest && text.startsWith(word, start)) longest = word.length;
  return longest;
}

describe('RadixTrie', () => {
  it('finds the longest word at a position, through split and joined edges', () => {
    const trie = new RadixTrie();
    for (const word of ['secret', 'secretive', 'secrets', 'sector']) trie.insert(word);
    expect(trie.longestMatchAt('a secretive x', 2)).toBe('secretive'.length);
    expect(trie.longestMatchAt('a secretiv', 2)).toBe('secret'.length);
    expect(trie.longestMatchAt('sectors', 0)).toBe('sector'.length);
    expect(trie.longestMatchAt('secre', 0)).toBe(0);
    trie.delete('secret');
    expect(trie.longestMatchAt('secretiv', 0)).toBe(0);
    expect(trie.longestMatchAt('secrets', 0)).toBe('secrets'.length);
    trie.delete('secrets');
    trie.delete('secrets');
    trie.delete('absent');
    expect(trie.longestMatchAt('secretive', 0)).toBe('secretive'.length);
    expect(trie.longestMatchAt('sector', 0)).toBe('sector'.length);
  });

  it('agrees with brute force over random inserts and deletes of words sharing prefixes', () => {
    const random = seededRandom(42);
    const trie = new RadixTrie();
    const words = new Set<string>();
    for (let round = 0; round < 3_000; round += 1) {
      const word = randomText(random, 1 + Math.floor(random() * 8), 'ab');
      if (random() < 0.6) {
        trie.insert(word);
        words.add(word);
      } else {
        trie.delete(word);
        words.delete(word);
      }
      const text = randomText(random, 12, 'ab');
      const start = Math.floor(random() * text.length);
      expect(trie.longestMatchAt(text, start)).toBe(longestByBruteForce(words, text, start));
    }
    for (const word of [...words]) {
      trie.delete(word);
      words.delete(word);
      expect(trie.longestMatchAt(word, 0)).toBe(longestByBruteForce(words, word, 0));
    }
  });
});
