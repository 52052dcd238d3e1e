import './custom-range-form.css';
import { useState } from 'react';
import { fromInputValue } from '../../lib/date-input.ts';
import { INPUT_FORMAT, toInputValue, type Zone } from '../../lib/dates.ts';

// Text, not datetime-local: the browser would show its locale's 12-hour clock beside the
// summary's 24-hour one. ISO order and a 24-hour clock, as the summary prints them.
const PLACEHOLDER = INPUT_FORMAT.replace('yyyy', 'YYYY').replace('dd', 'DD');

/** Absolute from/to, entered in the zone on screen. */
export function CustomRangeForm({
  window,
  zone,
  onApply,
}: {
  window: { from: number; to: number };
  zone: Zone;
  onApply: (fromIso: string, toIso: string) => void;
}) {
  const [from, setFrom] = useState(() => toInputValue(window.from, zone));
  const [to, setTo] = useState(() => toInputValue(window.to, zone));
  const [problem, setProblem] = useState('');
  const zoneName = zone === 'utc' ? 'UTC' : 'local';
  return (
    <form
      className="custom-range"
      aria-label="Custom range"
      onSubmit={(e) => {
        e.preventDefault();
        const f = fromInputValue(from, zone);
        const t = fromInputValue(to, zone);
        if (!f || !t) return setProblem(`Enter both as ${PLACEHOLDER}, 24-hour clock.`);
        if (f.getTime() >= t.getTime()) return setProblem('“From” must be before “To”.');
        onApply(f.toISOString(), t.toISOString());
      }}
    >
      <label>
        From ({zoneName})
        <input
          className="input"
          type="text"
          placeholder={PLACEHOLDER}
          spellCheck={false}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </label>
      <label>
        To ({zoneName})
        <input
          className="input"
          type="text"
          placeholder={PLACEHOLDER}
          spellCheck={false}
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
      </label>
      <button type="submit" className="button button--primary">
        Apply range
      </button>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
