import { memo, useState } from 'react';
import './list-states.css';

export type Format = 'csv' | 'json';

/**
 * Export of the filtered tasks. Fetched here rather than by a plain download link, so a failed
 * export (a budget refusal, a timeout) says so in the page instead of saving an error as a file;
 * with nothing to export the buttons are disabled.
 */
export const ExportButtons = memo(function ExportButtons({
  href,
  count,
}: {
  href: (format: Format) => string;
  count: number | undefined;
}) {
  const [busy, setBusy] = useState<Format | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const empty = !count;
  const run = async (format: Format) => {
    setBusy(format);
    setFailure(null);
    try {
      // what a download needs loads with the first one
      const failed = await (await import('./export-download.ts')).download(href(format), format);
      if (failed) setFailure(`The ${format.toUpperCase()} export failed: ${failed}`);
    } catch {
      setFailure(`The ${format.toUpperCase()} export failed: the console server did not answer.`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="export" role="group" aria-label="Export the filtered tasks">
      {(['csv', 'json'] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="button"
          disabled={empty || busy !== null}
          title={empty ? 'Nothing to export: no task matches' : undefined}
          onClick={() => void run(format)}
        >
          {busy === format ? `Exporting ${format.toUpperCase()}…` : `Export ${format.toUpperCase()}`}
        </button>
      ))}
      {failure && (
        <p className="export__failure" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
});
