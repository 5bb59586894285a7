import { useEffect, useRef, useState } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { ApiError, describeError, fetchPools } from '../api';
import { ThemeSelect } from './theme-select';

/** Props of {@link LoginForm}. */
export interface LoginFormProps {
  /** A key the gateway accepted. */
  onSignedIn: (key: string) => void;
  /** Why the last session ended, shown as an alert (a key refused by the event stream, say). */
  notice: string | null;
}

function refusal(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return `That key was refused: ${error.message}`;
  return `The key could not be checked: ${describeError(error)}`;
}

/** Asks for an API key and checks it with `GET /api/v1/pools`. The key is kept in memory only. */
export function LoginForm({ onSignedIn, notice }: LoginFormProps) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(notice);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    // First of all: a form that submitted itself would put the key in a request.
    event.preventDefault();
    const candidate = key.trim();
    if (candidate === '') {
      setError('Enter an API key (one of GATEWAY_API_KEYS).');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await fetchPools(candidate);
      onSignedIn(candidate);
    } catch (caught) {
      setBusy(false);
      setError(refusal(caught));
      input.current?.select();
    }
  };

  return (
    <main id="main" class="login">
      <form
        class="login-card"
        method="post"
        onSubmit={(event) => void submit(event)}
        aria-labelledby="login-title"
      >
        <h1 id="login-title">Runners dashboard</h1>
        <p class="muted">
          Sign in with an API key of this gateway. It stays in this tab&rsquo;s memory: closing or reloading
          the page forgets it.
        </p>
        <label for="api-key">API key</label>
        <input
          ref={input}
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          aria-invalid={error !== null}
          aria-describedby={error === null ? undefined : 'login-error'}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        {error !== null && (
          <p id="login-error" class="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <div class="login-footer">
          <ThemeSelect />
        </div>
      </form>
    </main>
  );
}
