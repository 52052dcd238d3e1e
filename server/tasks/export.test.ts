import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../shared/task.ts';
import { CSV_CELL_MAX, csvCell, exportFilename, exportStream, truncationMarker } from './export.ts';

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length) endRow();
  return rows;
};

const task = (over: Partial<Task> = {}): Task => ({
  id: '0123456789abcdef0123456789abcdef',
  name: 'restartInstance',
  status: 'SUCCESS',
  userName: 'ops-admin',
  userId: 'fedcba9876543210fedcba9876543210',
  createdAt: '2024-01-02T03:04:05.678Z',
  updatedAt: '2024-01-02T03:05:05.678Z',
  durationMs: 60_000,
  params: '{"force":true}',
  ...over,
});

const read = async (stream: ReadableStream<Uint8Array>) =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());

describe('CSV cells', () => {
  it('round-trips any text through a strict CSV reader, formula cells guarded by one apostrophe', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '=', '+', '-', '@', ' ', 'é', '\t') }),
        (s) => {
          const [row] = parseCsv(`${csvCell(s)},end\r\n`);
          expect(row).toHaveLength(2);
          const expected = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
          expect(row![0]).toBe(expected);
        },
      ),
    );
  });

  it("cuts a cell over Excel's limit with a marker that names the whole length, never half a character", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '😀', '=', 'é'), minLength: 1, maxLength: 200 }),
        fc.integer({ min: CSV_CELL_MAX - 300, max: CSV_CELL_MAX + 3_000 }),
        (unit, length) => {
          const s = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
          const [row] = parseCsv(`${csvCell(s)},end\r\n`);
          const cell = row![0]!;
          const guarded = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
          expect(cell.length).toBeLessThanOrEqual(CSV_CELL_MAX);
          if (guarded.length <= CSV_CELL_MAX) expect(cell).toBe(guarded);
          else {
            const marker = truncationMarker(guarded.length);
            expect(cell.endsWith(marker)).toBe(true);
            const kept = cell.slice(0, -marker.length);
            expect(guarded.startsWith(kept)).toBe(true);
            expect(kept.length).toBeGreaterThanOrEqual(CSV_CELL_MAX - marker.length - 1);
            expect(new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(kept))).toBe(kept);
            expect(/[\uD800-\uDBFF]$/.test(kept)).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('neutralises formula injection and quotes separators', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(1234)).toBe('1234');
  });
});

describe('export stream', () => {
  it('writes every task as CSV rows under a header, and as one JSON document', async () => {
    const tasks = Array.from({ length: 1_234 }, (_, i) =>
      task({ id: i.toString(16).padStart(32, '0'), params: i % 2 ? '{"a":"x,y"}' : '=cmd|"/c calc"' }),
    );
    const meta = { instanceId: 'i', window: { from: 'a', to: 'b' }, exportedAt: 'now' };
    const csv = await read(exportStream(tasks, 'csv', meta));
    expect(csv.startsWith('\uFEFFid,name,')).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(1 + tasks.length);
    expect(rows[1]![8]).toBe(`'=cmd|"/c calc"`);
    expect(rows[2]![8]).toBe('{"a":"x,y"}');
    const json = JSON.parse(await read(exportStream(tasks, 'json', meta))) as { total: number; tasks: Task[] };
    expect(json.total).toBe(tasks.length);
    expect(json.tasks).toEqual(tasks);
    const empty = JSON.parse(await read(exportStream([], 'json', meta))) as { tasks: Task[] };
    expect(empty.tasks).toEqual([]);
  });

  it('names the file after the instance and the window, with nothing unsafe for a header', () => {
    const name = exportFilename(
      { id: '11111111-2222-3333-4444-555555555555', name: 'prod "orders"/\r\nx' },
      { from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z' },
      'csv',
    );
    expect(name).toBe(
      'dms-tasks_prod-orders-x_11111111-2222-3333-4444-555555555555_20240101T000000Z-20240102T000000Z.csv',
    );
  });
});
