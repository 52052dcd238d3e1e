import { createSerializer } from 'nuqs';
import { listPath, taskPath } from '../../lib/router.ts';
import { taskSearchParsers, type TaskSearchPatch } from './url-state.ts';

/** Writes view state into a link's search, with the parsers' own encoding and defaults left out. */
export const serializeTaskSearch = createSerializer(taskSearchParsers);

/** The list of an instance in the view `search` describes. */
export const listHref = (instanceId: string, search: TaskSearchPatch = {}) =>
  serializeTaskSearch(listPath(instanceId), search);

/**
 * A task's page, carrying the list view it was opened from, so "back to the list" returns to
 * exactly that view; the task path alone is the task's canonical link.
 */
export const taskHref = (instanceId: string, taskId: string, search: TaskSearchPatch = {}) =>
  serializeTaskSearch(taskPath(instanceId, taskId), search);

/** Another instance's list, in the same range, zone and filters; the page and open rows stay behind. */
export const otherInstanceHref = (instanceId: string, search: TaskSearchPatch) =>
  listHref(instanceId, { ...search, page: null, open: null });
