import { useQuery } from '@tanstack/react-query';
import type { Policy } from './api/types';

/** The deployment's policy values (served by the api beside the pages), so pages explain rules before the api refuses. */
export function usePolicy() {
  return useQuery({
    queryKey: ['app-config'],
    staleTime: Infinity,
    queryFn: async () => {
      const res = await fetch('/app-config.json');
      if (!res.ok) throw new Error(`Could not load the app configuration (${res.status})`);
      return ((await res.json()) as { policy: Policy }).policy;
    },
  });
}
