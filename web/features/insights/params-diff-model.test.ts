import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffParams, formatPath } from './params-diff-model.ts';

describe('diffParams', () => {
  it('names added, removed and changed keys by their path, values as JSON', () => {
    const d = diffParams(
      '{"configs":[{"name":"heartbeat","value":"60"}],"apply":"immediately","old":1}',
      '{"configs":[{"name":"heartbeat","value":"0"}],"apply":"immediately","force":true,"odd key":[1]}',
    );
    expect(d.mode).toBe('structural');
    expect(d.mode === 'structural' && [...d.changes].sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { kind: 'added', path: '["odd key"]', after: '[1]' },
      { kind: 'changed', path: 'configs[0].value', before: '"60"', after: '"0"' },
      { kind: 'added', path: 'force', after: 'true' },
      { kind: 'removed', path: 'old', before: '1' },
    ]);
  });

  it('falls back to a line diff, side by side, when a params string is not JSON', () => {
    const d = diffParams(
      "{'plugins': ['rabbitmq_shovel'], 'enable': True}",
      '{"plugins":["rabbitmq_shovel"],"enable":true}',
    );
    expect(d.mode).toBe('lines');
    if (d.mode !== 'lines') return;
    expect(d.rows[0]).toMatchObject({
      kind: 'changed',
      before: "{'plugins': ['rabbitmq_shovel'], 'enable': True}",
      after: '{',
    });
    expect(d.rows.filter((r) => r.after !== undefined).map((r) => r.after)).toEqual([
      '{',
      '  "plugins": [',
      '    "rabbitmq_shovel"',
      '  ],',
      '  "enable": true',
      '}',
    ]);
  });

  it('finds no change between a JSON value and itself, and each changed leaf once (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
        fc.string({ maxLength: 6 }),
        (obj, key) => {
          const s = JSON.stringify(obj);
          const same = diffParams(s, s);
          expect(same.mode === 'structural' && same.changes).toEqual([]);
          const changed = diffParams(s, JSON.stringify({ ...obj, [key]: 'CHANGED-☃' }));
          const paths = changed.mode === 'structural' ? changed.changes.map((c) => c.path) : [];
          expect(paths).toContain(formatPath([key]));
        },
      ),
    );
  });
});
