// The API's own constants (statuses, sort keys, ranges, id formats) are in shared/contract.ts.

/** Page sizes offered in the picker; any size the API takes (PAGE_SIZE_MIN–MAX) still works from a link. */
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const POLL_MS = 5_000;
export const IDLE_POLL_MS = 30_000;
