import { ExpiryQueue } from './expiry-queue.js';
import { SecretIndex } from './secret-index.js';
import { WINDOW } from './window-filter.js';

const REDACTED = '[REDACTED]';

/** How many learnt secrets a {@link Redactor} keeps by default before it forgets the oldest. */
export const DEFAULT_MAX_LEARNT_SECRETS = 10_000;

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

/** Options of the {@link Redactor} constructor. */
export interface RedactorOptions {
  /** The clock that decides when a learnt secret has expired, in epoch ms (default `Date.now`). */
  now?: () => number;
  /**
   * The most learnt secrets (those given to `add`) kept at once; past it the oldest is forgotten, so memory stays
   * bounded even when forget handles are lost. A positive integer, default {@link DEFAULT_MAX_LEARNT_SECRETS}.
   */
  maxLearntSecrets?: number;
}

/** Options of {@link Redactor.add}. */
export interface AddSecretOptions {
  /**
   * When the secret stops being valid (epoch ms, by the redactor's clock), such as a registration token's
   * `expires_at`: from then on it is forgotten by itself. Absent, `undefined` or not finite: never by itself.
   */
  expiresAt?: number | undefined;
}

/** Stops hiding a learnt secret; calling it again, or after the secret expired or was dropped, does nothing. */
export type ForgetSecret = () => void;

interface Learnt {
  /** Emptied when forgotten, so that a handle kept by its caller does not keep the secret's text alive. */
  forms: readonly string[];
  forgotten: boolean;
}

const forgetNothing: ForgetSecret = () => undefined;

/**
 * The distinct forms a secret takes in a log line, at least {@link WINDOW} characters long: as given, trimmed,
 * inside a JSON string, inside JSON inside JSON, and in a URL. None when the secret is too short to hide.
 */
function formsOf(secret: string): string[] {
  if (typeof secret !== 'string' || secret.trim().length < WINDOW) return [];
  const inJson = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    secret.trim(),
    inJson,
    JSON.stringify(inJson).slice(1, -1),
    encodeURIComponent(secret),
  ];
  return [...new Set(forms)].filter((form) => form.length >= WINDOW);
}

/**
 * Replaces secrets in text: every value it was told about (from configuration, and any learnt at run time such
 * as a freshly minted registration token) and the well-known secret shapes above. The logger runs it over each
 * serialized line, so a secret is hidden whatever field, message or error stack it travels in.
 *
 * Learnt secrets are forgotten when their holder says so, when they expire, or when more than
 * `maxLearntSecrets` are held (the oldest first); configuration secrets are kept for the redactor's life. The
 * cost of a line grows with its length, not with the number of secrets held.
 */
export class Redactor {
  readonly #index = new SecretIndex();
  /** Learnt secrets in the order they were added, so the first is the oldest. */
  readonly #learnt = new Set<Learnt>();
  readonly #expiries = new ExpiryQueue<Learnt>();
  readonly #now: () => number;
  readonly #maxLearnt: number;

  /**
   * Starts with the given configuration secrets, which never expire; `undefined` entries (optional secrets that
   * are unset) are skipped. Throws a `RangeError` when `maxLearntSecrets` is not a positive integer.
   */
  constructor(secrets: Iterable<string | undefined> = [], options: RedactorOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxLearnt = options.maxLearntSecrets ?? DEFAULT_MAX_LEARNT_SECRETS;
    if (!Number.isInteger(this.#maxLearnt) || this.#maxLearnt < 1) {
      throw new RangeError(`maxLearntSecrets must be a positive integer, not ${this.#maxLearnt}`);
    }
    for (const secret of secrets) {
      if (secret !== undefined) for (const form of formsOf(secret)) this.#index.acquire(form);
    }
  }

  /**
   * Hides `secret` from now on, until the returned handle is called or `options.expiresAt` passes. Values
   * shorter than 6 characters are ignored (the handle then does nothing). Adding a value that is already
   * hidden takes another hold on it: it stays hidden until every holder has let go.
   */
  add(secret: string, options: AddSecretOptions = {}): ForgetSecret {
    this.#forgetExpired();
    const forms = formsOf(secret);
    if (forms.length === 0) return forgetNothing;
    const learnt: Learnt = { forms, forgotten: false };
    for (const form of forms) this.#index.acquire(form);
    this.#learnt.add(learnt);
    const { expiresAt } = options;
    if (expiresAt !== undefined && Number.isFinite(expiresAt)) this.#expiries.push(learnt, expiresAt);
    if (this.#learnt.size > this.#maxLearnt) this.#forgetOldest();
    return () => this.#forget(learnt);
  }

  /** `text` with every known secret and secret-shaped token replaced by `[REDACTED]`. */
  redact(text: string): string {
    this.#forgetExpired();
    let result = this.#index.replaceAll(text, REDACTED);
    for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  #forget(learnt: Learnt): void {
    if (learnt.forgotten) return;
    learnt.forgotten = true;
    this.#learnt.delete(learnt);
    for (const form of learnt.forms) this.#index.release(form);
    learnt.forms = [];
    // Forgotten secrets linger in the expiry queue until they are due; sweep them out before they pile up.
    if (this.#expiries.size > 2 * this.#learnt.size + 64) this.#expiries.compact((item) => !item.forgotten);
  }

  #forgetOldest(): void {
    const oldest = this.#learnt.values().next();
    if (oldest.done !== true) this.#forget(oldest.value);
  }

  #forgetExpired(): void {
    if (this.#expiries.size === 0) return;
    const now = this.#now();
    for (let due = this.#expiries.popDue(now); due !== undefined; due = this.#expiries.popDue(now)) {
      this.#forget(due);
    }
  }
}
