import { useState } from 'preact/hooks';
import { applyTheme, loadTheme, type ThemePreference } from '../theme';

const CHOICES: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or the system's choice. */
export function ThemeSelect() {
  const [theme, setTheme] = useState<ThemePreference>(loadTheme);
  return (
    <div class="theme-select">
      <label for="theme">Theme</label>
      <select
        id="theme"
        value={theme}
        onChange={(event) => {
          const value = event.currentTarget.value as ThemePreference;
          setTheme(value);
          applyTheme(value);
        }}
      >
        {CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}
