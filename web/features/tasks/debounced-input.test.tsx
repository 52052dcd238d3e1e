import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DebouncedInput } from './debounced-input.tsx';

/** The search box as the list holds it: its value is what the URL says, which follows a commit later. */
function UrlBox({ onUrl }: { onUrl: (q: string) => void }) {
  const [url, setUrl] = useState('');
  return (
    <DebouncedInput
      aria-label="Search"
      value={url}
      onCommit={(q) => {
        onUrl(q);
        // The URL answers after a tick (nuqs writes history asynchronously).
        setTimeout(() => setUrl(q), 50);
      }}
    />
  );
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const type = (box: HTMLElement, text: string) => fireEvent.change(box, { target: { value: text } });

describe('DebouncedInput', () => {
  it('keeps a keystroke typed while the URL is still catching up with the last commit', () => {
    const urls: string[] = [];
    render(<UrlBox onUrl={(q) => urls.push(q)} />);
    const box = screen.getByRole<HTMLInputElement>('textbox', { name: 'Search' });
    type(box, 'rest');
    act(() => void vi.advanceTimersByTime(300)); // commits "rest"
    type(box, 'resta'); // before the URL says "rest"
    act(() => void vi.advanceTimersByTime(50)); // the URL says "rest"
    expect(box.value).toBe('resta');
    act(() => void vi.advanceTimersByTime(300));
    act(() => void vi.advanceTimersByTime(50));
    expect(urls).toEqual(['rest', 'resta']);
    expect(box.value).toBe('resta');
  });

  it('follows the URL when it changes from elsewhere (back, clear filters)', () => {
    function Outside() {
      const [url, setUrl] = useState('restart');
      return (
        <>
          <DebouncedInput aria-label="Search" value={url} onCommit={setUrl} />
          <button type="button" onClick={() => setUrl('')}>
            Clear
          </button>
        </>
      );
    }
    render(<Outside />);
    const box = screen.getByRole<HTMLInputElement>('textbox', { name: 'Search' });
    type(box, 'restartI');
    act(() => void vi.advanceTimersByTime(300));
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(box.value).toBe('');
  });
});
