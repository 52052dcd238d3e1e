import { describe, expect, it } from 'vitest';
import type { TimelineTask } from '../../../shared/insights.ts';
import { layoutLanes, moveCursor, type TimelineCursor } from './timeline.tsx';

const bar = (id: string, name: string, start: number): TimelineTask => ({
  id,
  name,
  status: 'SUCCESS',
  user: 'ops',
  start,
  end: start + 10,
});

// lanes sort by name: a (a1 at 0, a2 at 100, a3 at 200), b (b1 at 90, b2 at 210), c (c1 at 5)
const lanes = layoutLanes(
  [
    bar('a2', 'a', 100),
    bar('b1', 'b', 90),
    bar('a1', 'a', 0),
    bar('c1', 'c', 5),
    bar('a3', 'a', 200),
    bar('b2', 'b', 210),
  ],
  'name',
  1_000,
);
const at = (lane: string, id: string): TimelineCursor => ({ lane, id });

describe('the timeline keyboard', () => {
  it('starts on the first bar of the first lane, and there again when its bar left the data', () => {
    expect(moveCursor(lanes, null, 'ArrowRight')).toEqual(at('a', 'a1'));
    expect(moveCursor(lanes, at('a', 'gone'), 'ArrowRight')).toEqual(at('a', 'a1'));
    expect(moveCursor([], null, 'ArrowRight')).toBeUndefined();
  });

  it('walks a lane in start order with ←/→, stopping at its ends, Home/End to them', () => {
    expect(moveCursor(lanes, at('a', 'a1'), 'ArrowRight')).toEqual(at('a', 'a2'));
    expect(moveCursor(lanes, at('a', 'a3'), 'ArrowRight')).toEqual(at('a', 'a3'));
    expect(moveCursor(lanes, at('a', 'a2'), 'ArrowLeft')).toEqual(at('a', 'a1'));
    expect(moveCursor(lanes, at('a', 'a1'), 'ArrowLeft')).toEqual(at('a', 'a1'));
    expect(moveCursor(lanes, at('a', 'a1'), 'End')).toEqual(at('a', 'a3'));
    expect(moveCursor(lanes, at('a', 'a3'), 'Home')).toEqual(at('a', 'a1'));
  });

  it('moves between lanes with ↑/↓ to the bar that starts nearest, stopping at the first and last lane', () => {
    expect(moveCursor(lanes, at('a', 'a2'), 'ArrowDown')).toEqual(at('b', 'b1'));
    expect(moveCursor(lanes, at('a', 'a3'), 'ArrowDown')).toEqual(at('b', 'b2'));
    expect(moveCursor(lanes, at('b', 'b2'), 'ArrowDown')).toEqual(at('c', 'c1'));
    expect(moveCursor(lanes, at('c', 'c1'), 'ArrowDown')).toEqual(at('c', 'c1'));
    expect(moveCursor(lanes, at('b', 'b1'), 'ArrowUp')).toEqual(at('a', 'a2'));
    expect(moveCursor(lanes, at('a', 'a1'), 'ArrowUp')).toEqual(at('a', 'a1'));
  });

  it('leaves other keys to the page', () => {
    expect(moveCursor(lanes, at('a', 'a1'), 'Enter')).toBeUndefined();
    expect(moveCursor(lanes, at('a', 'a1'), 'x')).toBeUndefined();
  });
});
