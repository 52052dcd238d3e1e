import { isValid, parse } from 'date-fns';
import { context, INPUT_FORMAT, type Zone } from './dates.ts';

/** The instant a `datetime-local` value means in the zone, or undefined when it is not one. */
export const fromInputValue = (value: string, zone: Zone): Date | undefined => {
  const d = parse(value, INPUT_FORMAT, new Date(), context(zone));
  return isValid(d) ? new Date(d.getTime()) : undefined;
};
