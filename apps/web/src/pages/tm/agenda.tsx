import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Call } from '../../api/types';
import { useAuth } from '../../auth';
import { QueryView } from '../../components/states';
import { useNow } from '../../hooks';
import { formatDateTime, formatDuration, zoneLabel } from '../../time';
import { CallStatus, categoryName, isActiveCall, useCategories } from '../common';

export function AgendaPage() {
  const { zone } = useAuth();
  const now = useNow(30_000);
  const categories = useCategories();
  const calls = useQuery({
    queryKey: ['calls'],
    queryFn: () => unwrap<{ calls: Call[] }>(api.GET('/api/vetting/calls')),
    refetchInterval: 30_000,
  });
  return (
    <Stack>
      <Title order={2}>Agenda</Title>
      <Text size="sm">Times in {zoneLabel(zone)}.</Text>
      <QueryView query={calls} label="Loading your agenda">
        {({ calls }) => {
          const upcoming = calls.filter(isActiveCall).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
          const past = calls.filter((c) => !isActiveCall(c));
          const rows = [...upcoming, ...past];
          if (rows.length === 0) return <Text>No calls booked yet.</Text>;
          return (
            <Table.ScrollContainer minWidth={520}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Category</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Starts in</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/calls/${c.id}`}>
                          {formatDateTime(c.startsAt, zone)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{categoryName(categories.data, c.categorySlug)}</Table.Td>
                      <Table.Td>
                        <CallStatus status={c.status} />
                      </Table.Td>
                      <Table.Td>
                        {isActiveCall(c) && Date.parse(c.startsAt) > now
                          ? formatDuration(Date.parse(c.startsAt) - now)
                          : '—'}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          );
        }}
      </QueryView>
    </Stack>
  );
}
