const REDACTED = '[REDACTED]';

/** Values shorter than this are too likely to occur by chance ("true", "admin") to be replaced everywhere. */
const MIN_SECRET_LENGTH = 6;

/** Well-known shapes of secrets, replaced wherever they appear; `sha256=` webhook signatures are not secrets. */
const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // A whole PEM private key, or its start when the text was cut (inside JSON the block ends at a quote).
  [
    /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----(?:[\s\S]*?-----END ([A-Z0-9]+ )*PRIVATE KEY-----|[^"]*)/g,
    REDACTED,
  ],
  // GitHub tokens: personal, OAuth, user-to-server, installation (server-to-server), refresh; fine-grained PATs.
  [/\b(gh[pousr]_)[A-Za-z0-9]{16,}/g, `$1${REDACTED}`],
  [/\b(github_pat_)[A-Za-z0-9_]{16,}/g, `$1${REDACTED}`],
  // Credentials in header-like text: `Authorization: token x`, `Bearer x`, and the runner's `RemoteAuth x`.
  [/\b(Bearer|RemoteAuth)(\s+)[A-Za-z0-9\-._~+/]{6,}=*/gi, `$1$2${REDACTED}`],
  [/\b(token)(\s+)[A-Za-z0-9\-._~+/]{20,}=*/gi, `$1$2${REDACTED}`],
  [
    /\b(authorization\\?["']?\s*[:=]\s*\\?["']?)(?:(?:basic|bearer|token|remoteauth)\s+)?[^\s"'\\,;}]+/gi,
    `$1${REDACTED}`,
  ],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces secrets in text: every value it was told about (from configuration, and any learnt at run time such
 * as a freshly minted registration token) and the well-known secret shapes above. The logger runs it over each
 * serialized line, so a secret is hidden whatever field, message or error stack it travels in.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  #matcher: RegExp | undefined;

  /** Starts with the given secrets; `undefined` entries (optional secrets that are unset) are skipped. */
  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) if (secret !== undefined) this.add(secret);
  }

  /** Hides `secret` from now on; values shorter than 6 characters are ignored. */
  add(secret: string): void {
    if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) return;
    // The same value as it appears inside a JSON string, inside JSON inside JSON, and in a URL.
    const inJson = JSON.stringify(secret).slice(1, -1);
    const forms = [
      secret,
      secret.trim(),
      inJson,
      JSON.stringify(inJson).slice(1, -1),
      encodeURIComponent(secret),
    ];
    const before = this.#secrets.size;
    for (const form of forms) if (form.length >= MIN_SECRET_LENGTH) this.#secrets.add(form);
    if (this.#secrets.size !== before) this.#matcher = undefined;
  }

  /** `text` with every known secret and secret-shaped token replaced by `[REDACTED]`. */
  redact(text: string): string {
    let result = text;
    const matcher = this.#buildMatcher();
    if (matcher !== undefined) result = result.replace(matcher, REDACTED);
    for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  #buildMatcher(): RegExp | undefined {
    if (this.#matcher === undefined && this.#secrets.size > 0) {
      // Longest first, so a secret that contains another is replaced whole.
      const alternatives = [...this.#secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#matcher = new RegExp(alternatives.join('|'), 'g');
    }
    return this.#matcher;
  }
}
