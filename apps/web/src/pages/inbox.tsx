import { ActionIcon, Anchor, Badge, Button, Card, Group, Indicator, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import type { Notification } from '../api/types';
import { useAuth } from '../auth';
import { useLiveEvent } from '../live';
import { ErrorAlert, Loading } from '../components/states';
import { formatDateTime } from '../time';

interface InboxPage {
  items: Notification[];
  unreadCount: number;
  nextCursor: string | null;
}

const unreadKey = ['inbox', 'unread'];

export function useUnreadCount() {
  return useQuery({
    queryKey: unreadKey,
    queryFn: () => unwrap<InboxPage>(api.GET('/api/notifications', { params: { query: { limit: 1 } } })),
    select: (p) => p.unreadCount,
  });
}

/** The unread badge in the header, and the live toast of every `notification:new`. */
export function InboxBadge() {
  const client = useQueryClient();
  const unread = useUnreadCount();
  useLiveEvent<Notification>('notification:new', (n) => {
    notifications.show({
      title: n.title,
      message: n.body,
      autoClose: 8000,
      withBorder: true,
      color: n.type.startsWith('talent.') ? 'teal' : 'blue',
    });
    void client.invalidateQueries({ queryKey: ['inbox'] });
  });
  const count = unread.data ?? 0;
  return (
    <Indicator label={count} size={18} disabled={count === 0} color="red" offset={4}>
      <ActionIcon
        component={Link}
        to="/inbox"
        variant="default"
        size="lg"
        aria-label={count ? `Inbox, ${count} unread` : 'Inbox'}
      >
        <span aria-hidden>✉</span>
      </ActionIcon>
    </Indicator>
  );
}

export function InboxPage() {
  const { zone } = useAuth();
  const client = useQueryClient();
  const inbox = useInfiniteQuery({
    queryKey: ['inbox', 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<InboxPage>(api.GET('/api/notifications', { params: { query: { limit: 20, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['inbox'] });
  const readOne = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const readAll = useMutation({
    mutationFn: () => unwrap(api.POST('/api/notifications/read-all')),
    onSuccess: refresh,
  });
  const unread = inbox.data?.pages[0]?.unreadCount ?? 0;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>
          Inbox <Badge color={unread ? 'red' : 'gray'}>{unread} unread</Badge>
        </Title>
        <Button onClick={() => readAll.mutate()} loading={readAll.isPending} disabled={unread === 0}>
          Mark all read
        </Button>
      </Group>
      <ErrorAlert error={readAll.error ?? readOne.error} />
      {inbox.isPending ? (
        <Loading label="Loading your inbox" />
      ) : inbox.isError ? (
        <ErrorAlert error={inbox.error} onRetry={() => void inbox.refetch()} />
      ) : (
        <Stack gap="xs">
          {inbox.data.pages.flatMap((p) => p.items).length === 0 && <Text c="dimmed">Nothing here yet.</Text>}
          <Stack
            gap="xs"
            component="ul"
            style={{ listStyle: 'none', padding: 0, margin: 0 }}
            aria-label="Notifications"
          >
            {inbox.data.pages
              .flatMap((p) => p.items)
              .map((n) => (
                <Card key={n.id} component="li" withBorder padding="sm" bg={n.readAt ? undefined : 'blue.0'}>
                  <Group justify="space-between" align="flex-start" wrap="nowrap">
                    <div>
                      <Text fw={n.readAt ? 400 : 700}>{n.title}</Text>
                      <Text size="sm">{n.body}</Text>
                      {typeof n.data?.freelancerId === 'string' && (
                        <Anchor component={Link} to={`/freelancers/${n.data.freelancerId}`} size="sm">
                          View the freelancer's profile
                        </Anchor>
                      )}
                      <Text size="xs" c="dimmed">
                        {formatDateTime(n.createdAt, zone)}
                        {n.readAt ? '' : ' · unread'}
                      </Text>
                    </div>
                    {!n.readAt && (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() => readOne.mutate(n.id)}
                        aria-label={`Mark read: ${n.title}`}
                      >
                        Mark read
                      </Button>
                    )}
                  </Group>
                </Card>
              ))}
          </Stack>
          {inbox.hasNextPage && (
            <Button variant="default" onClick={() => void inbox.fetchNextPage()} loading={inbox.isFetchingNextPage}>
              Load more
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}
