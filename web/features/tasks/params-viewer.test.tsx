import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_CHILDREN, MORE_STEP, ParamsViewer, parseParams } from './params-viewer.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ParamsViewer', () => {
  it('shows JSON highlighted and folds what is deeper than two levels', () => {
    const { container } = render(
      <ParamsViewer params='{"configs":[{"name":"max_connections","deep":{"x":1}}],"force":false,"mode":"fast"}' />,
    );
    expect(screen.getByText('"fast"').className).toBe('json-string');
    expect(screen.getByText('false').className).toBe('json-boolean');
    const toggles = [...container.querySelectorAll('.json-toggle')];
    // configs[0] is folded, and a folded node renders nothing inside (its "deep" is not there yet)
    expect(toggles.map((d) => d.getAttribute('aria-expanded'))).toEqual(['true', 'true', 'false']);
    expect(screen.queryByText('"deep"')).toBeNull();
    fireEvent.click(screen.getByText('2 keys'));
    expect(screen.getByText('"max_connections"').className).toBe('json-string');
    expect(screen.getByText('"deep"')).toBeTruthy();
  });

  it('pluralises counts', () => {
    render(<ParamsViewer params='{"one":{"a":1},"many":[1,2],"single":[3]}' />);
    expect(screen.getByText('3 keys')).toBeTruthy();
    expect(screen.getByText('1 key')).toBeTruthy();
    expect(screen.getByText('2 items')).toBeTruthy();
    expect(screen.getByText('1 item')).toBeTruthy();
  });

  it('folds a long array past the first children and shows more in steps', () => {
    const items = Array.from({ length: 150 }, (_, i) => i);
    const { container } = render(<ParamsViewer params={JSON.stringify({ items })} />);
    const lines = () => container.querySelectorAll('.json-children .json-children > li.json-line').length;
    // role queries are slow over hundreds of nodes in happy-dom: the buttons are read by their text
    const more = () => [...container.querySelectorAll<HTMLButtonElement>('.json-more__button')];
    expect(lines()).toBe(FIRST_CHILDREN);
    expect(container.querySelectorAll('button.copy-value').length).toBeLessThan(FIRST_CHILDREN + 3);
    for (let shown = FIRST_CHILDREN; shown < 150; shown += MORE_STEP) {
      expect(lines()).toBe(shown);
      expect(more().map((b) => b.textContent)).toEqual([`… ${150 - shown} more`]);
      fireEvent.click(more()[0]!);
    }
    expect(lines()).toBe(150);
    expect(more()).toEqual([]);
  }, 20_000);

  it('shows a string that is not JSON raw, with a note', () => {
    render(<ParamsViewer params="force=true; reason=oops {" />);
    expect(screen.getByRole('note').textContent).toMatch(/Not valid JSON/);
    expect(screen.getByText('force=true; reason=oops {').tagName).toBe('PRE');
  });

  it('copies one value, the params as DMS sent them, or formatted', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    const sent = '{"a": {"b":"hello"} }';
    render(<ParamsViewer params={sent} />);
    fireEvent.click(screen.getByRole('button', { name: 'copy params.a.b' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('hello'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy params' }));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith(sent));
    fireEvent.click(screen.getByRole('button', { name: 'Copy formatted' }));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('{\n  "a": {\n    "b": "hello"\n  }\n}'));
  });

  it('gives every button an accessible name that starts with its visible text', () => {
    render(<ParamsViewer params='{"a":{"b":[1,{"c":null}]},"d":"x"}' />);
    for (const button of screen.getAllByRole('button')) {
      const visible = [...button.childNodes]
        .filter((n) => !(n instanceof HTMLElement && n.classList.contains('visually-hidden')))
        .map((n) => n.textContent)
        .join('');
      expect(button.getAttribute('aria-label')).toBeNull();
      expect(button.textContent.startsWith(visible)).toBe(true);
    }
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
      fireEvent.click(screen.getByRole('button', { name: 'copy params.configs[3]' }));
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
