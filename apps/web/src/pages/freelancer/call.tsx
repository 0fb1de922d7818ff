import { Alert, Anchor, Button, Card, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, download, unwrap } from '../../api/client';
import type { Call, Eligibility, Slot } from '../../api/types';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { useNow } from '../../hooks';
import { usePolicy } from '../../policy';
import { formatDateTime, formatDuration, humanDuration, periodWords } from '../../time';
import { CallRoom } from '../call-room';
import { CallStatus, categoryName, isActiveCall, useCategories } from '../common';
import { SlotPicker } from './slot-picker';

export function useCall(id: string) {
  return useQuery({
    queryKey: ['call', id],
    queryFn: () => unwrap<Call>(api.GET('/api/vetting/calls/{id}', { params: { path: { id } } })),
  });
}

export function CallsPage() {
  const { zone } = useAuth();
  const calls = useQuery({
    queryKey: ['calls'],
    queryFn: () => unwrap<{ calls: Call[] }>(api.GET('/api/vetting/calls')),
  });
  const categories = useCategories();
  return (
    <Stack>
      <Title order={2}>My calls</Title>
      <QueryView query={calls} label="Loading your calls">
        {({ calls }) =>
          calls.length === 0 ? (
            <Text>
              No calls yet.{' '}
              <Anchor component={Link} to="/book">
                Book a call
              </Anchor>
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Category</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {calls.map((c) => (
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

/** A missed call (or a late cancellation) and the date the freelancer may be reconsidered. */
function MissedNotice({ eligibleAt }: { eligibleAt?: string }) {
  const { zone } = useAuth();
  const eligibility = useQuery({
    queryKey: ['eligibility'],
    enabled: !eligibleAt,
    queryFn: () => unwrap<Eligibility>(api.GET('/api/vetting/eligibility')),
  });
  const at = eligibleAt ?? eligibility.data?.eligibleAt;
  return (
    <Alert color="red" title="Counted as a missed call">
      {at
        ? `You can be reconsidered from ${formatDateTime(at, zone)}.`
        : 'A cooldown applies before you can be reconsidered.'}
    </Alert>
  );
}

export function CallPage() {
  const { id = '' } = useParams();
  const call = useCall(id);
  return (
    <Stack>
      <Title order={2}>Your vetting call</Title>
      <QueryView query={call} label="Loading the call">
        {(c) => <CallDetails call={c} />}
      </QueryView>
    </Stack>
  );
}

function CallDetails({ call }: { call: Call }) {
  const { zone } = useAuth();
  const policy = usePolicy();
  const now = useNow();
  const client = useQueryClient();
  const [rescheduling, setRescheduling] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [icsError, setIcsError] = useState<unknown>(null);
  const done = (c: Call) => {
    client.setQueryData(['call', call.id], c);
    void client.invalidateQueries({ queryKey: ['calls'] });
    void client.invalidateQueries({ queryKey: ['eligibility'] });
  };
  const reschedule = useMutation({
    mutationFn: (startsAt: string) =>
      unwrap<Call>(
        api.POST('/api/vetting/calls/{id}/reschedule', { params: { path: { id: call.id } }, body: { startsAt } }),
      ),
    onSuccess: (c) => {
      done(c);
      setRescheduling(false);
      setSlot(null);
      notifications.show({
        title: 'Call rescheduled',
        message: `New time: ${formatDateTime(c.startsAt, zone)}`,
        color: 'teal',
      });
    },
  });
  const cancel = useMutation({
    mutationFn: () =>
      unwrap<Call>(api.POST('/api/vetting/calls/{id}/cancel', { params: { path: { id: call.id } }, body: {} })),
    onSuccess: (c) => {
      done(c);
      setCancelling(false);
    },
  });
  const start = Date.parse(call.startsAt);
  const p = policy.data;
  const active = isActiveCall(call) && call.status !== 'in_progress';
  const insideNotice = p ? start - now < p.rescheduleNoticeMs : false;
  const rescheduleBlocked = !p
    ? null
    : call.rescheduleCount >= p.maxReschedules
      ? `This call was already rescheduled ${call.rescheduleCount === 1 ? 'once' : `${call.rescheduleCount} times`}; a booking may be rescheduled ${p.maxReschedules === 1 ? 'once' : `${p.maxReschedules} times`}.`
      : insideNotice
        ? `A reschedule needs at least ${humanDuration(p.rescheduleNoticeMs)} notice before the start.`
        : null;
  return (
    <Stack>
      <Card withBorder>
        <Stack gap="xs">
          <Group>
            <CallStatus status={call.status} />
            <Text fw={600}>{formatDateTime(call.startsAt, zone)}</Text>
            <Text c="dimmed">to {formatDateTime(call.endsAt, zone)}</Text>
          </Group>
          {isActiveCall(call) && start > now && <Text role="timer">Starts in {formatDuration(start - now)}</Text>}
          <Text size="sm">Rescheduled {call.rescheduleCount} time(s).</Text>
          {(call.eligibleAt || call.status === 'missed') && <MissedNotice eligibleAt={call.eligibleAt} />}
          <ErrorAlert error={icsError} title="Could not download the invite" />
          <Group>
            <Button
              variant="default"
              onClick={() =>
                download(`/api/vetting/calls/${call.id}/calendar.ics`, `vetting-call-${call.id}.ics`).then(
                  () => setIcsError(null),
                  setIcsError,
                )
              }
            >
              Download invite (.ics)
            </Button>
            {active && call.freelancerId && (
              <>
                <Button
                  variant="light"
                  onClick={() => setRescheduling(true)}
                  aria-describedby={rescheduleBlocked ? 'reschedule-reason' : undefined}
                >
                  Reschedule
                </Button>
                <Button color="red" variant="light" onClick={() => setCancelling(true)}>
                  Cancel call
                </Button>
              </>
            )}
          </Group>
          {active && rescheduleBlocked && (
            <Text id="reschedule-reason" size="sm" c="orange.9">
              {rescheduleBlocked}
            </Text>
          )}
        </Stack>
      </Card>
      <CallRoom call={call} />
      <Modal opened={rescheduling} onClose={() => setRescheduling(false)} title="Reschedule the call" size="xl">
        <Stack>
          {rescheduleBlocked && (
            <Alert color="orange" title="Rescheduling is not possible">
              {rescheduleBlocked}
            </Alert>
          )}
          <SlotPicker invitationId={call.invitationId} value={slot} onChange={setSlot} exclude={call.startsAt} />
          <ErrorAlert error={reschedule.error} title="Could not reschedule" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRescheduling(false)}>
              Keep the current time
            </Button>
            <Button
              disabled={!slot}
              loading={reschedule.isPending}
              onClick={() => slot && reschedule.mutate(slot.startsAt)}
            >
              Confirm reschedule
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={cancelling} onClose={() => setCancelling(false)} title="Cancel the call?">
        <Stack>
          {insideNotice ? (
            <Alert color="red" title="This counts as a missed call">
              The call starts in less than {p ? humanDuration(p.rescheduleNoticeMs) : 'the notice period'}. Cancelling
              now counts as a miss: you can be reconsidered only after the cooldown
              {p ? ` of ${periodWords(p.missedCooldown)}` : ''}.
            </Alert>
          ) : (
            <Text>You can cancel without penalty; booking again later counts as your reschedule.</Text>
          )}
          <ErrorAlert error={cancel.error} title="Could not cancel" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCancelling(false)}>
              Keep the call
            </Button>
            <Button color="red" loading={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel anyway
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
