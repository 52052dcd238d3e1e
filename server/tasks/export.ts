import type { Task } from '../../shared/task.ts';

export const CSV_COLUMNS = [
  'id',
  'name',
  'status',
  'userName',
  'userId',
  'createdAt',
  'updatedAt',
  'durationMs',
  'params',
] as const satisfies readonly (keyof Task)[];

/** Excel's limit on one cell's text; a longer cell spills into the next rows and breaks the sheet. */
export const CSV_CELL_MAX = 32_767;

/** What ends a cut cell, with the length it had: the JSON export carries the whole text. */
export const truncationMarker = (length: number) =>
  ` …[truncated: ${length.toLocaleString('en')} characters in all; the JSON export has them whole]`;

const fitCell = (text: string): string => {
  if (text.length <= CSV_CELL_MAX) return text;
  const marker = truncationMarker(text.length);
  let end = CSV_CELL_MAX - marker.length;
  // Never split a surrogate pair: half a character is not valid UTF-8.
  if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
  return text.slice(0, end) + marker;
};

/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula (= + - @,
 * or a leading tab/CR) gets a leading apostrophe first, so an exported task cannot execute;
 * text longer than Excel's cell limit is cut with a marker.
 */
export const csvCell = (value: string | number | null): string => {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const guarded = fitCell(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
};

export const csvRow = (task: Task): string => CSV_COLUMNS.map((k) => csvCell(task[k])).join(',');

/** The fleet export's columns: the instance each task ran on, then the task's own. */
export const FLEET_CSV_COLUMNS = ['instanceId', 'instanceName', 'engine', 'projectId', 'region'] as const;
const fleetCsvRow = (task: Task & Record<(typeof FLEET_CSV_COLUMNS)[number], string>) =>
  [...FLEET_CSV_COLUMNS.map((k) => csvCell(task[k])), csvRow(task)].join(',');

const CHUNK = 500;

/** The export as a byte stream, a chunk of rows at a time, so a large window never sits in one string. */
export const exportStream = (
  tasks: readonly Task[],
  format: 'csv' | 'json',
  meta: {
    instanceId: string | null;
    window: { from: string; to: string };
    exportedAt: string;
    /** A fleet export: instance columns, and whether (and how far) the union is partial. */
    fleet?: { partial: boolean; coverage: unknown };
  },
): ReadableStream<Uint8Array> => {
  const { fleet } = meta;
  const row = fleet ? (t: Task) => fleetCsvRow(t as Parameters<typeof fleetCsvRow>[0]) : csvRow;
  const encoder = new TextEncoder();
  let index = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        // A BOM so spreadsheet programs read the UTF-8 user names correctly.
        const head =
          format === 'csv'
            ? `\uFEFF${[...(fleet ? FLEET_CSV_COLUMNS : []), ...CSV_COLUMNS].join(',')}\r\n`
            : fleet
              ? `{"partial":${fleet.partial},"coverage":${JSON.stringify(fleet.coverage)},"window":${JSON.stringify(meta.window)},` +
                `"exportedAt":${JSON.stringify(meta.exportedAt)},"total":${tasks.length},"tasks":[`
              : `{"instanceId":${JSON.stringify(meta.instanceId)},"window":${JSON.stringify(meta.window)},` +
                `"exportedAt":${JSON.stringify(meta.exportedAt)},"total":${tasks.length},"tasks":[`;
        controller.enqueue(encoder.encode(head));
      }
      const slice = tasks.slice(index, index + CHUNK);
      if (slice.length > 0) {
        const body =
          format === 'csv'
            ? slice.map((t) => `${row(t)}\r\n`).join('')
            : (index === 0 ? '' : ',') + slice.map((t) => JSON.stringify(t)).join(',');
        index += slice.length;
        controller.enqueue(encoder.encode(body));
      }
      if (index >= tasks.length) {
        if (format === 'json') controller.enqueue(encoder.encode(']}'));
        controller.close();
      }
    },
  });
};

const compactTime = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** e.g. `dms-tasks_prod-orders_<instance id>_20240101T000000Z-20240102T000000Z.csv` */
export const exportFilename = (
  instance: { id: string; name: string },
  window: { from: string; to: string },
  format: 'csv' | 'json',
) => {
  const name = instance.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60);
  return `dms-tasks_${name}_${instance.id}_${compactTime(window.from)}-${compactTime(window.to)}.${format}`;
};
