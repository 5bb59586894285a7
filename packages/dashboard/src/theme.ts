/** The viewer's choice of colours: follow the system (`prefers-color-scheme`), or force one. */
export type ThemePreference = 'system' | 'light' | 'dark';

// Not a secret: the theme may outlive the session, unlike the API key, which is never stored.
const STORAGE_KEY = 'gha-ephemeral.dashboard.theme';

function isPreference(value: unknown): value is ThemePreference {
  return value === 'system' || value === 'light' || value === 'dark';
}

/** The stored preference, or 'system' (also when storage is unavailable, as in some private windows). */
export function loadTheme(): ThemePreference {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return isPreference(stored) ? stored : 'system';
  } catch {
    return 'system';
  }
}

/** Applies a preference to the page (`data-theme` on `<html>`; none follows the system) and remembers it. */
export function applyTheme(preference: ThemePreference): void {
  const root = document.documentElement;
  if (preference === 'system') delete root.dataset.theme;
  else root.dataset.theme = preference;
  try {
    if (preference === 'system') window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, preference);
  } catch {
    // Storage refused: the choice lasts until the page is closed.
  }
}
