/** What the contents API answered for a path. */
export type DecodedContent =
  | { kind: 'file'; text: string }
  /** A file too large for inline content (over 1 MB): fetch it raw. */
  | { kind: 'too_large' }
  /** A directory, symlink or submodule. */
  | { kind: 'not_a_file' };

/** Decodes a contents-API answer: base64 with line breaks, as GitHub sends it. */
export function decodeContent(data: unknown): DecodedContent {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { kind: 'not_a_file' };
  const raw = data as Record<string, unknown>;
  if (raw['type'] !== 'file') return { kind: 'not_a_file' };
  const content = raw['content'];
  if (raw['encoding'] !== 'base64' || typeof content !== 'string') return { kind: 'too_large' };
  return { kind: 'file', text: Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8') };
}

/** Text from a raw-media-type answer, which Octokit hands over as a string or an ArrayBuffer. */
export function rawText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return null;
}
