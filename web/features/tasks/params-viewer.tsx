import { useMemo, useState } from 'react';
import { CopyButton } from '../../components/copy-button.tsx';
import './params-viewer.css';

/** Objects and arrays deeper than this start folded. */
export const FOLD_DEPTH = 2;
/** An open array or object shows this many children first… */
export const FIRST_CHILDREN = 20;
/** …and this many more on each "more". */
export const MORE_STEP = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type ParsedParams = { ok: true; value: Json } | { ok: false; reason: string };

export const parseParams = (params: string): ParsedParams => {
  if (params.trim() === '') return { ok: false, reason: 'The params string is empty.' };
  try {
    return { ok: true, value: JSON.parse(params) as Json };
  } catch (e) {
    return {
      ok: false,
      reason: `Not valid JSON (${e instanceof Error ? e.message : 'parse error'}): shown as received.`,
    };
  }
};

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const childPath = (path: string, key: string | number) =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;

function Key({ name }: { name: string | number | undefined }) {
  if (name === undefined) return null;
  return (
    <>
      {typeof name === 'number' ? (
        <span className="json-index">{name}</span>
      ) : (
        <span className="json-key">{JSON.stringify(name)}</span>
      )}
      <span className="json-punct">: </span>
    </>
  );
}

function Leaf({ value }: { value: Exclude<Json, Json[] | { [key: string]: Json }> }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  return <span className="json-boolean">{String(value)}</span>;
}

/** Shown on hover or focus only; its name starts with the visible "copy" and names the node. */
function CopyNode({ path, text }: { path: string; text: string | (() => string) }) {
  return <CopyButton className="copy-value" text={text} label="copy" hiddenSuffix={` ${path}`} />;
}

/** The children of an open node: the first few, then more on request, so a huge array stays short. */
function Children({ entries, path, depth }: { entries: [string | number, Json][]; path: string; depth: number }) {
  const [shown, setShown] = useState(FIRST_CHILDREN);
  const rest = entries.length - shown;
  return (
    <ul className="json-children">
      {entries.slice(0, shown).map(([k, v]) => (
        <JsonNode key={k} name={k} value={v} path={childPath(path, k)} depth={depth + 1} />
      ))}
      {rest > 0 && (
        <li className="json-more">
          <button type="button" className="json-more__button" onClick={() => setShown((s) => s + MORE_STEP)}>
            … {rest.toLocaleString('en')} more
          </button>
        </li>
      )}
    </ul>
  );
}

function JsonNode({ name, value, path, depth }: { name?: string | number; value: Json; path: string; depth: number }) {
  const [open, setOpen] = useState(depth < FOLD_DEPTH);
  if (value === null || typeof value !== 'object') {
    return (
      <li className="json-line">
        <Key name={name} />
        <Leaf value={value} />
        <CopyNode path={path} text={typeof value === 'string' ? value : () => JSON.stringify(value)} />
      </li>
    );
  }
  const isArray = Array.isArray(value);
  const entries: [string | number, Json][] = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [openMark, closeMark] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0)
    return (
      <li className="json-line">
        <Key name={name} />
        <span className="json-punct">
          {openMark}
          {closeMark}
        </span>
      </li>
    );
  return (
    <li className="json-branch">
      <div className="json-head">
        <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          <span className="json-caret" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <Key name={name} />
          <span className="json-punct">{openMark}</span>
          <span className="json-count">
            {' '}
            {isArray ? count(entries.length, 'item', 'items') : count(entries.length, 'key', 'keys')}{' '}
          </span>
          {!open && <span className="json-punct">{closeMark}</span>}
        </button>
        <CopyNode path={path} text={() => JSON.stringify(value, null, 2)} />
      </div>
      {/* A folded node renders nothing inside: a large tree costs only what is open. */}
      {open && (
        <>
          <Children entries={entries} path={path} depth={depth} />
          <span className="json-punct">{closeMark}</span>
        </>
      )}
    </li>
  );
}

/** A task's params: JSON folded past FOLD_DEPTH and highlighted, or the raw string with a note. */
export function ParamsViewer({ params }: { params: string }) {
  const parsed = useMemo(() => parseParams(params), [params]);
  return (
    <section className="params" aria-label="Params">
      <div className="params__bar">
        <h2 className="params__title">Params</h2>
        {/* As DMS sent it: the string a support ticket or a replay needs, byte for byte. */}
        <CopyButton text={params} label="Copy params" />
        {parsed.ok && <CopyButton text={() => JSON.stringify(parsed.value, null, 2)} label="Copy formatted" />}
      </div>
      {parsed.ok ? (
        <ul className="json-tree">
          <JsonNode value={parsed.value} path="params" depth={0} />
        </ul>
      ) : (
        <>
          <p className="params__note" role="note">
            {parsed.reason}
          </p>
          <pre className="params__raw">{params || '(empty)'}</pre>
        </>
      )}
    </section>
  );
}
