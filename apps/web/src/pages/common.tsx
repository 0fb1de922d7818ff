import { Badge } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { Call, Category } from '../api/types';

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    staleTime: Infinity,
    queryFn: async () => (await unwrap<{ categories: Category[] }>(api.GET('/api/categories'))).categories,
  });
}

export const categoryName = (all: Category[] | undefined, slug: string) =>
  all?.find((c) => c.slug === slug)?.name ?? slug;

const STATUS_COLOR: Record<Call['status'], string> = {
  scheduled: 'blue',
  rescheduled: 'indigo',
  in_progress: 'teal',
  completed: 'green',
  missed: 'red',
  interviewer_absent: 'orange',
  cancelled: 'gray',
};

export function CallStatus({ status }: { status: Call['status'] }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light">
      {status.replace(/_/g, ' ')}
    </Badge>
  );
}

export const isActiveCall = (c: Call) =>
  c.status === 'scheduled' || c.status === 'rescheduled' || c.status === 'in_progress';
