import { isValid, parse } from 'date-fns';
import { context, INPUT_FORMAT, type Zone } from './dates.ts';

// A pasted `2026-01-01T00:00` (the HTML form) is read as well as the shown `2026-01-01 00:00`.
const FORMATS = [INPUT_FORMAT, "yyyy-MM-dd'T'HH:mm"];

/** The instant a custom-range input means in the zone, or undefined when it is not one. */
export const fromInputValue = (value: string, zone: Zone): Date | undefined => {
  for (const f of FORMATS) {
    const d = parse(value.trim(), f, new Date(), context(zone));
    if (isValid(d)) return new Date(d.getTime());
  }
  return undefined;
};
