import { Button, Card, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Call, Eligibility, Slot } from '../../api/types';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { formatDateTime } from '../../time';
import { categoryName, useCategories } from '../common';
import { SlotPicker } from './slot-picker';

export function BookPage() {
  const { zone } = useAuth();
  const eligibility = useQuery({
    queryKey: ['eligibility'],
    queryFn: () => unwrap<Eligibility>(api.GET('/api/vetting/eligibility')),
  });
  const categories = useCategories();
  const [invitationId, setInvitationId] = useState<string | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const navigate = useNavigate();
  const client = useQueryClient();
  const book = useMutation({
    mutationFn: (v: { invitationId: string; startsAt: string }) =>
      unwrap<Call>(api.POST('/api/vetting/calls', { body: v })),
    onSuccess: (call) => {
      notifications.show({
        title: 'Call booked',
        message: `Your vetting call is on ${formatDateTime(call.startsAt, zone)}.`,
        color: 'teal',
      });
      void client.invalidateQueries();
      navigate(`/calls/${call.id}`);
    },
  });
  return (
    <Stack>
      <Title order={2}>Book your pre-vetting call</Title>
      <Text>A firm 30-minute video call with a talent manager. Choose a free time below.</Text>
      <QueryView query={eligibility} label="Checking your invitations">
        {(e) => {
          if (e.eligibleAt)
            return (
              <ErrorAlert
                title="Not eligible yet"
                error={
                  new Error(
                    `${e.message ?? 'Cooldown active'}. You can book again from ${formatDateTime(e.eligibleAt, zone)}.`,
                  )
                }
              />
            );
          if (e.invitations.length === 0)
            return (
              <Text>
                You have no open invitation. Expert-Vetted is by invitation, or through an open application window (see
                your dashboard).
              </Text>
            );
          const chosen = invitationId ?? e.invitations[0].id;
          return (
            <Card withBorder>
              <Stack>
                {e.invitations.length > 1 && (
                  <Select
                    label="Invitation"
                    value={chosen}
                    allowDeselect={false}
                    onChange={(v) => {
                      setInvitationId(v);
                      setSlot(null);
                    }}
                    data={e.invitations.map((i) => ({
                      value: i.id,
                      label: `${i.program} · ${categoryName(categories.data, i.categorySlug)}`,
                    }))}
                  />
                )}
                <SlotPicker invitationId={chosen} value={slot} onChange={setSlot} />
                <ErrorAlert error={book.error} title="Could not book" />
                <Text size="sm" aria-live="polite">
                  {slot ? `Selected: ${formatDateTime(slot.startsAt, zone)}` : 'No time selected'}
                </Text>
                <Button
                  disabled={!slot}
                  loading={book.isPending}
                  onClick={() => slot && book.mutate({ invitationId: chosen, startsAt: slot.startsAt })}
                  style={{ alignSelf: 'flex-start' }}
                >
                  Book
                </Button>
              </Stack>
            </Card>
          );
        }}
      </QueryView>
    </Stack>
  );
}
