import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ParamsViewer, parseParams } from './params-viewer.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ParamsViewer', () => {
  it('shows JSON highlighted and folds what is deeper than two levels', () => {
    const { container } = render(
      <ParamsViewer params='{"configs":[{"name":"max_connections","deep":{"x":1}}],"force":false}' />,
    );
    expect(screen.getByText('"max_connections"').className).toBe('json-string');
    expect(screen.getByText('false').className).toBe('json-boolean');
    const details = [...container.querySelectorAll('details')];
    expect(details.map((d) => d.open)).toEqual([true, true, false, false]);
  });

  it('shows a string that is not JSON raw, with a note', () => {
    render(<ParamsViewer params="force=true; reason=oops {" />);
    expect(screen.getByRole('note').textContent).toMatch(/Not valid JSON/);
    expect(screen.getByText('force=true; reason=oops {').tagName).toBe('PRE');
  });

  it('copies one value, or the whole params', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    render(<ParamsViewer params='{"a":{"b":"hello"}}' />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy value of params.a.b' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('hello'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy all params' }));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('{\n  "a": {\n    "b": "hello"\n  }\n}'));
  });

  it('builds copy text only on click, so a big params renders without serialising each subtree', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    const nested = { configs: Array.from({ length: 50 }, (_, i) => ({ name: `c${i}`, value: { v: i } })) };
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      render(<ParamsViewer params={JSON.stringify(nested)} />);
      const subtreeCalls = () => stringify.mock.calls.filter(([v]) => typeof v === 'object' && v !== null).length;
      expect(subtreeCalls()).toBe(1); // the test's own call above
      fireEvent.click(screen.getByRole('button', { name: 'Copy value of params.configs[3]' }));
      await waitFor(() => expect(writeText).toHaveBeenCalledWith(JSON.stringify(nested.configs[3], null, 2)));
    } finally {
      stringify.mockRestore();
    }
  });

  it('never throws on any params string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        const parsed = parseParams(s);
        expect(parsed.ok).toBe(
          (() => {
            try {
              JSON.parse(s);
              return s.trim() !== '';
            } catch {
              return false;
            }
          })(),
        );
        const { unmount } = render(<ParamsViewer params={s} />);
        unmount();
      }),
      { numRuns: 100 },
    );
  });
});
