interface TrieNode {
  /** True when a word ends here. */
  end: boolean;
  /** Outgoing edges by the first character code of their label; no two labels share a first character. */
  readonly edges: Map<number, TrieEdge>;
}

interface TrieEdge {
  label: string;
  node: TrieNode;
}

/** The edges walked to reach a word's node, parent first. */
interface Step {
  readonly parent: TrieNode;
  readonly edge: TrieEdge;
}

function createNode(end: boolean): TrieNode {
  return { end, edges: new Map() };
}

function commonPrefixLength(label: string, word: string, offset: number): number {
  const limit = Math.min(label.length, word.length - offset);
  let length = 0;
  while (length < limit && label.charCodeAt(length) === word.charCodeAt(offset + length)) length += 1;
  return length;
}

/**
 * A set of strings as a compressed (radix) trie, answering "which is the longest word that starts at this
 * position of the text". A walk costs at most the length of the text it matches, however many words are
 * stored and however long a prefix they share: two thousand just-in-time configurations that begin with the
 * same base64 of `{".runner":"` are one path of the trie, not two thousand comparisons.
 */
export class RadixTrie {
  readonly #root = createNode(false);

  /** Adds `word` (not empty); adding a word already present changes nothing. */
  insert(word: string): void {
    let node = this.#root;
    let offset = 0;
    while (offset < word.length) {
      const key = word.charCodeAt(offset);
      const edge = node.edges.get(key);
      if (edge === undefined) {
        node.edges.set(key, { label: word.slice(offset), node: createNode(true) });
        return;
      }
      const common = commonPrefixLength(edge.label, word, offset);
      if (common < edge.label.length) {
        // The word leaves (or ends inside) this edge: cut it in two at the point where they part.
        const rest: TrieEdge = { label: edge.label.slice(common), node: edge.node };
        edge.node = createNode(false);
        edge.node.edges.set(rest.label.charCodeAt(0), rest);
        edge.label = edge.label.slice(0, common);
      }
      node = edge.node;
      offset += common;
    }
    node.end = true;
  }

  /** Removes `word`; removing a word that is absent changes nothing. */
  delete(word: string): void {
    const path: Step[] = [];
    let node = this.#root;
    let offset = 0;
    while (offset < word.length) {
      const edge = node.edges.get(word.charCodeAt(offset));
      if (edge === undefined || !word.startsWith(edge.label, offset)) return;
      path.push({ parent: node, edge });
      node = edge.node;
      offset += edge.label.length;
    }
    if (!node.end) return;
    node.end = false;
    this.#tidy(path);
  }

  /** The length of the longest stored word that `text` holds at `start`, or 0 when none does. */
  longestMatchAt(text: string, start: number): number {
    let node = this.#root;
    let offset = start;
    let longest = 0;
    for (;;) {
      // Past the end, charCodeAt gives NaN, which no edge has.
      const edge = node.edges.get(text.charCodeAt(offset));
      if (edge === undefined || !text.startsWith(edge.label, offset)) return longest;
      node = edge.node;
      offset += edge.label.length;
      if (node.end) longest = offset - start;
    }
  }

  /**
   * After a word's end mark is removed, drops the nodes that no longer lead to any word and joins an edge
   * with its only child, so that the trie keeps one node per word (at most two) whatever came and went.
   */
  #tidy(path: readonly Step[]): void {
    const last = path.at(-1);
    if (last === undefined) return;
    const { parent, edge } = last;
    if (edge.node.edges.size === 0) {
      parent.edges.delete(edge.label.charCodeAt(0));
      // The parent may be left as a mere junction with one way on: join it with that way.
      const above = path.at(-2);
      if (above !== undefined && !parent.end && parent.edges.size === 1) joinWithOnlyChild(above.edge);
    } else if (edge.node.edges.size === 1) {
      joinWithOnlyChild(edge);
    }
  }
}

/** Makes `edge` skip its node, which is no word's end and has exactly one edge out. */
function joinWithOnlyChild(edge: TrieEdge): void {
  for (const child of edge.node.edges.values()) {
    edge.label += child.label;
    edge.node = child.node;
  }
}
