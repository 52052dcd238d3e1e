import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

/**
 * Retry re-runs every failed query on screen, not only the one whose panel was clicked: a fault
 * that broke the list broke the instance list beside it too, and both should recover together.
 */
export const useRetryFailed = () => {
  const client = useQueryClient();
  return useCallback(
    () => client.refetchQueries({ type: 'active', predicate: (q) => q.state.status === 'error' }),
    [client],
  );
};
