/**
 * The doctor's report (`npm run doctor`, `GET /api/diagnostics`, the SPA's Connection view).
 * Plain types, no validator: the SPA's lazy view takes them as they are.
 */
export const CHECK_NAMES = [
  'reachable',
  'credentials',
  'clock',
  'instances',
  'paging',
  'time-filter',
  'throttling',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface DiagnosticCheck {
  name: CheckName;
  /** A short title, e.g. "Endpoint reachable". */
  title: string;
  status: CheckStatus;
  /** What was found, in plain words. */
  summary: string;
  /** What to do about a warning or failure. */
  advice?: string | undefined;
}

export interface TargetDiagnostics {
  projectId: string;
  region: string;
  endpoint: string;
  /** No check failed: the console can show this target's tasks. */
  usable: boolean;
  checks: DiagnosticCheck[];
}

export interface Diagnostics {
  mode: 'simulator' | 'live';
  /** Every target is usable. */
  usable: boolean;
  checkedAt: string;
  targets: TargetDiagnostics[];
}
