import { useMemo } from 'react';
import { CopyButton } from '../../components/copy-button.tsx';
import './params-viewer.css';

/** Objects and arrays deeper than this start folded. */
export const FOLD_DEPTH = 2;

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

function JsonNode({ name, value, path, depth }: { name?: string | number; value: Json; path: string; depth: number }) {
  if (value === null || typeof value !== 'object') {
    return (
      <li className="json-line">
        <Key name={name} />
        <Leaf value={value} />
        <CopyButton
          className="copy-value"
          text={typeof value === 'string' ? value : () => JSON.stringify(value)}
          label="copy"
          ariaLabel={`Copy value of ${path}`}
        />
      </li>
    );
  }
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const count = Array.isArray(value) ? `${entries.length} items` : `${entries.length} keys`;
  if (entries.length === 0)
    return (
      <li className="json-line">
        <Key name={name} />
        <span className="json-punct">
          {open}
          {close}
        </span>
      </li>
    );
  return (
    <li className="json-branch">
      <details open={depth < FOLD_DEPTH}>
        <summary>
          <Key name={name} />
          <span className="json-punct">{open}</span>
          <span className="json-count"> {count} </span>
        </summary>
        <ul className="json-children">
          {entries.map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} path={childPath(path, k)} depth={depth + 1} />
          ))}
        </ul>
        <span className="json-punct">{close}</span>
      </details>
      <CopyButton
        className="copy-value"
        text={() => JSON.stringify(value, null, 2)}
        label="copy"
        ariaLabel={`Copy value of ${path}`}
      />
    </li>
  );
}

/** A task's params: JSON folded past FOLD_DEPTH and highlighted, or the raw string with a note. */
export function ParamsViewer({ params }: { params: string }) {
  const parsed = useMemo(() => parseParams(params), [params]);
  return (
    <section className="params" aria-label="Params">
      <div className="params__bar">
        <h3 className="params__title">Params</h3>
        <CopyButton
          text={parsed.ok ? () => JSON.stringify(parsed.value, null, 2) : params}
          label="Copy params"
          ariaLabel="Copy all params"
        />
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
