import { Button, Card, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { formatDateTime } from '../../time';
import { Done, EligibleCategorySelect, UUID } from './shared';

export { StaffPage } from './staff-page';
export { SupplyPage, TracksPage } from './catalog-pages';
export { IdentityPage, ReviewsPage } from './profile-pages';

export function InvitePage() {
  const [freelancerId, setFreelancerId] = useState('');
  const [categorySlug, setCategorySlug] = useState('');
  const invite = useMutation({
    mutationFn: () =>
      unwrap<{ id: string; status: string }>(
        api.POST('/api/vetting/invitations', {
          body: { freelancerId: freelancerId.trim(), program: 'expert-vetted', categorySlug },
        }),
      ),
  });
  return (
    <Stack maw={640}>
      <Title order={2}>Invite a freelancer</Title>
      <Text size="sm">Expert-Vetted is by invitation, in the eligible categories only.</Text>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate();
          }}
        >
          <Stack>
            <TextInput
              label="Freelancer ID"
              required
              value={freelancerId}
              onChange={(e) => setFreelancerId(e.currentTarget.value)}
              error={freelancerId && !UUID.test(freelancerId.trim()) ? 'A freelancer ID is a UUID' : null}
            />
            <EligibleCategorySelect value={categorySlug} onChange={setCategorySlug} />
            <ErrorAlert error={invite.error} title="Could not invite" />
            {invite.data && <Done>Invitation sent ({invite.data.status}).</Done>}
            <Button type="submit" loading={invite.isPending} style={{ alignSelf: 'flex-start' }}>
              Invite
            </Button>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}

interface Window {
  id: string;
  program: string;
  categorySlug: string;
  opensAt: string;
  closesAt: string;
}

export function WindowsPage() {
  const { zone } = useAuth();
  const client = useQueryClient();
  const windows = useQuery({
    queryKey: ['windows'],
    queryFn: () => unwrap<{ windows: Window[] }>(api.GET('/api/vetting/application-windows')),
  });
  const [categorySlug, setCategorySlug] = useState('');
  const [closesAt, setClosesAt] = useState<string | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['windows'] });
  const open = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/vetting/application-windows', {
          body: {
            program: 'expert-vetted',
            categorySlug,
            closesAt: new Date(closesAt!.replace(' ', 'T')).toISOString(),
          },
        }),
      ),
    onSuccess: refresh,
  });
  const close = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/vetting/application-windows/{id}/close', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  return (
    <Stack>
      <Title order={2}>Application windows</Title>
      <Card withBorder maw={640}>
        <Stack>
          <EligibleCategorySelect value={categorySlug} onChange={setCategorySlug} />
          <DateTimePicker
            weekendDays={[]}
            label="Closes at"
            description="In your time zone"
            value={closesAt}
            onChange={setClosesAt}
            minDate={new Date()}
            required
          />
          <ErrorAlert error={open.error} title="Could not open the window" />
          <Button
            onClick={() => open.mutate()}
            disabled={!categorySlug || !closesAt}
            loading={open.isPending}
            style={{ alignSelf: 'flex-start' }}
          >
            Open window
          </Button>
        </Stack>
      </Card>
      <ErrorAlert error={close.error} />
      <QueryView query={windows} label="Loading windows">
        {({ windows }) =>
          windows.length === 0 ? (
            <Text c="dimmed">No open window.</Text>
          ) : (
            <Table.ScrollContainer minWidth={360}>
              <Table aria-label="Open application windows">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Category</Table.Th>
                    <Table.Th>Closes</Table.Th>
                    <Table.Th>
                      <span aria-hidden>·</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {windows.map((w) => (
                    <Table.Tr key={w.id}>
                      <Table.Td>{w.categorySlug}</Table.Td>
                      <Table.Td>{formatDateTime(w.closesAt, zone)}</Table.Td>
                      <Table.Td>
                        <Button size="xs" variant="light" color="red" onClick={() => close.mutate(w.id)}>
                          Close window
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </Stack>
  );
}
