import { Badge, Button, Card, NativeSelect, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorAlert, QueryView } from '../../components/states';
import { useCatalog } from '../tests/catalog';
import { Done, EligibleCategorySelect, UUID } from './shared';

export function SupplyPage() {
  const [categorySlug, setCategorySlug] = useState('');
  const [openJobs, setOpenJobs] = useState<number | string>(10);
  const [max, setMax] = useState<number | string>(5);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/admin/categories/{slug}/supply', {
          params: { path: { slug: categorySlug } },
          body: { openJobs: Number(openJobs), maxFreelancersPerJob: Number(max) },
        }),
      ),
  });
  return (
    <Stack maw={640}>
      <Title order={2}>Category supply</Title>
      <Text size="sm">
        A category is oversupplied when approved freelancers per open job exceed its limit; new profiles there are then
        rejected with advice.
      </Text>
      <Card withBorder>
        <Stack>
          <EligibleCategorySelect value={categorySlug} onChange={setCategorySlug} all />
          <NumberInput label="Open jobs" min={0} value={openJobs} onChange={setOpenJobs} />
          <NumberInput label="Most freelancers per job" min={0.01} decimalScale={2} value={max} onChange={setMax} />
          <ErrorAlert error={save.error} title="Could not save" />
          {save.isSuccess && <Done>Saved.</Done>}
          <Button
            onClick={() => save.mutate()}
            disabled={!categorySlug}
            loading={save.isPending}
            style={{ alignSelf: 'flex-start' }}
          >
            Save supply limit
          </Button>
        </Stack>
      </Card>
    </Stack>
  );
}

export function TracksPage() {
  const catalog = useCatalog();
  const [track, setTrack] = useState('');
  const [freelancerId, setFreelancerId] = useState('');
  const invite = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/assessments/tracks/{slug}/invitations', {
          params: { path: { slug: track } },
          body: { freelancerId: freelancerId.trim() },
        }),
      ),
  });
  return (
    <Stack>
      <Title order={2}>Certification tracks</Title>
      <QueryView query={catalog} label="Loading tracks">
        {({ tracks }) => (
          <Stack>
            <Table aria-label="Tracks">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Track</Table.Th>
                  <Table.Th>Tests</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tracks.map((t) => (
                  <Table.Tr key={t.slug}>
                    <Table.Td>{t.title}</Table.Td>
                    <Table.Td>{t.assessments.join(', ')}</Table.Td>
                    <Table.Td>
                      <Badge color={t.status === 'open' ? 'teal' : 'gray'} variant="light">
                        {t.status}
                      </Badge>
                      {t.status === 'legacy' && (
                        <Text size="xs" span>
                          {' '}
                          closed to new awards; awards made stay valid
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Card withBorder maw={640}>
              <Stack>
                <Title order={3} size="h4">
                  Invite to a track
                </Title>
                <NativeSelect
                  label="Track"
                  value={track}
                  onChange={(e) => setTrack(e.currentTarget.value)}
                  data={[
                    { value: '', label: 'Choose a track' },
                    ...tracks.filter((t) => t.status === 'open').map((t) => ({ value: t.slug, label: t.title })),
                  ]}
                />
                <TextInput
                  label="Freelancer ID"
                  value={freelancerId}
                  onChange={(e) => setFreelancerId(e.currentTarget.value)}
                />
                <ErrorAlert error={invite.error} title="Could not invite" />
                {invite.isSuccess && <Done>Invited to the track.</Done>}
                <Button
                  onClick={() => invite.mutate()}
                  disabled={!track || !UUID.test(freelancerId.trim())}
                  loading={invite.isPending}
                  style={{ alignSelf: 'flex-start' }}
                >
                  Invite to track
                </Button>
              </Stack>
            </Card>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
