import { diffLines } from 'diff';
import microdiff from 'microdiff';

export interface KeyChange {
  kind: 'added' | 'removed' | 'changed';
  /** `configs[0].value`; the root is `(root)`. */
  path: string;
  before?: string;
  after?: string;
}

export interface LineRow {
  kind: 'same' | 'removed' | 'added' | 'changed';
  before?: string;
  after?: string;
}

export type ParamsDiff =
  { mode: 'structural'; changes: KeyChange[] } | { mode: 'lines'; rows: LineRow[]; changed: number };

const IDENT = /^[A-Za-z_$][\w$]*$/;
export const formatPath = (path: readonly (string | number)[]): string =>
  path.reduce<string>(
    (out, p) =>
      typeof p === 'number'
        ? `${out}[${p}]`
        : IDENT.test(p)
          ? out
            ? `${out}.${p}`
            : p
          : `${out}[${JSON.stringify(p)}]`,
    '',
  ) || '(root)';

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

const parseContainer = (s: string): object | undefined => {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
};

const lines = (value: string) => value.replace(/\n$/, '').split('\n');

/** Lines side by side: a run of removed lines pairs with the added run after it. */
const lineRows = (before: string, after: string): LineRow[] => {
  const rows: LineRow[] = [];
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.removed && parts[i + 1]?.added) {
      const [old, neu] = [lines(part.value), lines(parts[++i]!.value)];
      for (let j = 0; j < Math.max(old.length, neu.length); j++)
        rows.push({
          kind: j < old.length && j < neu.length ? 'changed' : j < old.length ? 'removed' : 'added',
          before: old[j],
          after: neu[j],
        });
    } else if (part.removed) for (const l of lines(part.value)) rows.push({ kind: 'removed', before: l });
    else if (part.added) for (const l of lines(part.value)) rows.push({ kind: 'added', after: l });
    else for (const l of lines(part.value)) rows.push({ kind: 'same', before: l, after: l });
  }
  return rows;
};

/** A params string with its JSON value when it is a JSON object or array: parsed once, diffed later. */
export interface ParsedParams {
  raw: string;
  value: object | undefined;
}

export const parseParams = (raw: string): ParsedParams => ({ raw, value: parseContainer(raw) });

/**
 * Two params compared: key by key with paths when both are JSON objects or arrays, else line by
 * line (pretty-printed JSON when one side is JSON, the raw strings otherwise).
 */
export const diffParsed = (before: ParsedParams, after: ParsedParams): ParamsDiff => {
  const [a, b] = [before.value, after.value];
  if (a && b && Array.isArray(a) === Array.isArray(b)) {
    const changes = microdiff(a as Record<string, unknown>, b as Record<string, unknown>).map((d): KeyChange => {
      const path = formatPath(d.path);
      if (d.type === 'CREATE') return { kind: 'added', path, after: show(d.value) };
      if (d.type === 'REMOVE') return { kind: 'removed', path, before: show(d.oldValue) };
      return { kind: 'changed', path, before: show(d.oldValue), after: show(d.value) };
    });
    return { mode: 'structural', changes };
  }
  const pretty = (p: ParsedParams) => (p.value ? JSON.stringify(p.value, null, 2) : p.raw);
  const rows = lineRows(pretty(before), pretty(after));
  return { mode: 'lines', rows, changed: rows.filter((r) => r.kind !== 'same').length };
};

/** Two params strings compared (diffParsed of both). */
export const diffParams = (before: string, after: string): ParamsDiff =>
  diffParsed(parseParams(before), parseParams(after));
