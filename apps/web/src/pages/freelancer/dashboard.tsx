import { Alert, Anchor, Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Call, Eligibility } from '../../api/types';
import { useAuth, useUser } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { useNow } from '../../hooks';
import { formatDate, formatDateTime, formatDuration } from '../../time';
import { CallStatus, categoryName, isActiveCall, useCategories } from '../common';
import { PublicProfileView, usePublicProfile } from '../profile-view';

export function FreelancerDashboard() {
  const user = useUser();
  const { zone } = useAuth();
  const client = useQueryClient();
  const categories = useCategories();
  const eligibility = useQuery({
    queryKey: ['eligibility'],
    queryFn: () => unwrap<Eligibility>(api.GET('/api/vetting/eligibility')),
  });
  const calls = useQuery({
    queryKey: ['calls'],
    queryFn: () => unwrap<{ calls: Call[] }>(api.GET('/api/vetting/calls')),
  });
  const profile = usePublicProfile(user.id);
  const apply = useMutation({
    mutationFn: (categorySlug: string) =>
      unwrap(api.POST('/api/vetting/applications', { body: { program: 'expert-vetted', categorySlug } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['eligibility'] }),
  });
  const now = useNow();
  return (
    <Stack>
      <Title order={2}>Welcome, {user.name}</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} size="h4" mb="sm">
            Expert-Vetted eligibility
          </Title>
          <QueryView query={eligibility} label="Checking eligibility">
            {(e) => (
              <Stack gap="xs">
                {e.eligible ? (
                  <Badge color="teal">Eligible</Badge>
                ) : (
                  <Alert color={e.eligibleAt ? 'red' : 'gray'} title={e.eligibleAt ? 'Cooldown' : 'Not invited yet'}>
                    {e.message}
                    {e.eligibleAt && <Text fw={600}>Eligible again on {formatDateTime(e.eligibleAt, zone)}</Text>}
                  </Alert>
                )}
                <Text fw={600}>Invitations</Text>
                {e.invitations.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    No open invitation.
                  </Text>
                ) : (
                  <List size="sm">
                    {e.invitations.map((i) => (
                      <List.Item key={i.id}>
                        {i.program} in {categoryName(categories.data, i.categorySlug)} (since{' '}
                        {formatDate(i.createdAt, zone)}){' '}
                        <Anchor component={Link} to="/book">
                          Book a call
                        </Anchor>
                      </List.Item>
                    ))}
                  </List>
                )}
                {e.openApplicationWindows.length > 0 && (
                  <>
                    <Text fw={600}>Open application windows</Text>
                    {e.openApplicationWindows.map((w) => (
                      <Group key={w.id} gap="xs">
                        <Text size="sm">
                          {categoryName(categories.data, w.categorySlug)} until {formatDateTime(w.closesAt, zone)}
                        </Text>
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() => apply.mutate(w.categorySlug)}
                          loading={apply.isPending}
                        >
                          Apply
                        </Button>
                      </Group>
                    ))}
                    <ErrorAlert error={apply.error} />
                  </>
                )}
              </Stack>
            )}
          </QueryView>
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="sm">
            Next call
          </Title>
          <QueryView query={calls} label="Loading calls">
            {({ calls }) => {
              const next = calls.filter(isActiveCall).sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
              if (!next) return <Text size="sm">No upcoming call.</Text>;
              const ms = Date.parse(next.startsAt) - now;
              return (
                <Stack gap="xs">
                  <Group>
                    <CallStatus status={next.status} />
                    <Text fw={600}>{formatDateTime(next.startsAt, zone)}</Text>
                  </Group>
                  <Text role="timer" aria-live="off">
                    {ms > 0 ? `Starts in ${formatDuration(ms)}` : 'Running now'}
                  </Text>
                  <Anchor component={Link} to={`/calls/${next.id}`}>
                    Open the call page
                  </Anchor>
                </Stack>
              );
            }}
          </QueryView>
        </Card>
      </SimpleGrid>
      <QueryView query={profile} label="Loading your profile">
        {(p) => <PublicProfileView profile={p} />}
      </QueryView>
    </Stack>
  );
}
