import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { NameFacets } from './facets.tsx';

describe('NameFacets', () => {
  it('counts a chosen name that Object.prototype also knows as 0 when the window lacks it', () => {
    const counts = JSON.parse('{"__proto__":2,"restartInstance":1}') as Record<string, number>;
    render(<NameFacets counts={counts} selected={['constructor', 'toString']} onToggle={() => {}} />);
    expect(screen.getByRole('button', { name: /^__proto__/ }).textContent).toBe('__proto__2');
    expect(screen.getByRole('button', { name: /^constructor/ }).textContent).toBe('constructor0');
    expect(screen.getByRole('button', { name: /^toString/ }).textContent).toBe('toString0');
  });
});
