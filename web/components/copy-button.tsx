import { useEffect, useState } from 'react';

const copyText = async (text: string) => {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  // Older or insecure contexts: the selection API still works there.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
};

export function CopyButton({
  text,
  label,
  ariaLabel,
  hiddenSuffix,
  className = 'button',
}: {
  /** What to copy; a function is called only on click (for text that is costly to build). */
  text: string | (() => string);
  label: string;
  ariaLabel?: string;
  /** Read after the label by screen readers only, so the accessible name still starts with what is seen. */
  hiddenSuffix?: string;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2_000);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className={className}
      aria-label={ariaLabel}
      onClick={(e) => {
        e.stopPropagation();
        copyText(typeof text === 'function' ? text() : text).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
      {hiddenSuffix && <span className="visually-hidden">{hiddenSuffix}</span>}
    </button>
  );
}
