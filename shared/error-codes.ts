/**
 * Every `error.code` the API can answer with: a closed list, so the SPA can switch over it
 * exhaustively. This file imports nothing, so the SPA takes it without pulling in a validator.
 */
export const API_ERROR_CODES = [
  'BAD_REQUEST',
  'INVALID_INSTANCE_ID',
  'INVALID_TASK_ID',
  'UNAUTHORIZED',
  'TOO_MANY_LOGINS',
  'MISDIRECTED_REQUEST',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'INSTANCE_NOT_FOUND',
  'TASK_NOT_FOUND',
  'UPSTREAM_AUTH',
  'UPSTREAM_FORBIDDEN',
  'UPSTREAM_CLOCK_SKEW',
  'UPSTREAM_THROTTLED',
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_BAD_ANSWER',
  'UPSTREAM_BUDGET',
  'WINDOW_TOO_LARGE',
  'WINDOW_CHANGED',
  'UPSTREAM_ERROR',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
