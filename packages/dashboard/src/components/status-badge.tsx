import type { ComponentChildren } from 'preact';

/** What a badge means; each has its colour and its own shape, so that colour is never the only cue. */
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'pending' | 'neutral';

const ICONS: Record<Tone, string> = {
  ok: '✓',
  warn: '!',
  bad: '✕',
  info: '●',
  pending: '…',
  neutral: '–',
};

/** A short status in words, with a coloured, shaped mark before it (hidden from screen readers). */
export function StatusBadge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return (
    <span class={`badge badge-${tone}`}>
      <span class="badge-icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      {children}
    </span>
  );
}
