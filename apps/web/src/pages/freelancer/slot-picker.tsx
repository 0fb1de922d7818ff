import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { DatePicker } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Slot } from '../../api/types';
import { useAuth } from '../../auth';
import { ErrorAlert, Loading } from '../../components/states';
import { dayKey, formatDate, formatTime, zoneLabel } from '../../time';

const DAYS_SHOWN = 30;

export const dayLabel = (day: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  );

/** Free slots of an invitation's category as a calendar in the freelancer's zone: pick a day, then a time. */
export function SlotPicker({
  invitationId,
  value,
  onChange,
  exclude,
}: {
  invitationId: string;
  value: Slot | null;
  onChange: (s: Slot | null) => void;
  exclude?: string;
}) {
  const { zone } = useAuth();
  const slots = useQuery({
    queryKey: ['slots', invitationId, zone],
    queryFn: () => {
      const from = new Date();
      const to = new Date(from.getTime() + DAYS_SHOWN * 86_400_000);
      return unwrap<{ timeZone: string; slots: Slot[] }>(
        api.GET('/api/vetting/slots', {
          params: { query: { invitationId, from: from.toISOString(), to: to.toISOString(), timeZone: zone } },
        }),
      );
    },
  });
  const byDay = useMemo(() => {
    const m = new Map<string, Slot[]>();
    for (const s of slots.data?.slots ?? []) {
      if (s.startsAt === exclude) continue;
      const k = dayKey(s.startsAt, zone);
      m.set(k, [...(m.get(k) ?? []), s]);
    }
    return m;
  }, [slots.data, zone, exclude]);
  const days = [...byDay.keys()].sort();
  const [day, setDay] = useState<string | null>(null);
  const [month, setMonth] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!day && days.length) {
      setDay(days[0]);
      setMonth(days[0]);
    }
  }, [days.join(), day]);

  if (slots.isPending) return <Loading label="Loading free slots" />;
  if (slots.isError) return <ErrorAlert error={slots.error} onRetry={() => void slots.refetch()} />;
  if (days.length === 0) return <Text>No free slots in the next {DAYS_SHOWN} days. Please check again later.</Text>;
  const times = day ? (byDay.get(day) ?? []) : [];
  return (
    <Stack>
      <Text size="sm">
        Times are in your time zone: <strong>{zoneLabel(zone)}</strong>
      </Text>
      <Group align="flex-start" gap="xl">
        <DatePicker
          value={day}
          onChange={(d) => {
            setDay(d);
            onChange(null);
          }}
          date={month}
          onDateChange={setMonth}
          minDate={days[0]}
          maxDate={days[days.length - 1]}
          excludeDate={(d) => !byDay.has(d)}
          getDayAriaLabel={(d) =>
            `${dayLabel(d)}${byDay.has(d) ? `, ${byDay.get(d)!.length} free slots` : ', no free slots'}`
          }
          weekendDays={[]}
          nextLabel="Next month"
          previousLabel="Previous month"
          aria-label="Days with free slots"
        />
        <Stack gap="xs" style={{ flex: 1, minWidth: 220 }}>
          <Text fw={600} id="times-heading">
            {day ? formatDate(`${day}T12:00:00Z`, 'UTC') : 'Pick a day'}
          </Text>
          <SimpleGrid cols={{ base: 3, sm: 4 }} spacing="xs" role="group" aria-labelledby="times-heading">
            {times.map((s) => {
              const selected = value?.startsAt === s.startsAt;
              return (
                <Button
                  key={s.startsAt}
                  size="xs"
                  variant={selected ? 'filled' : 'default'}
                  aria-pressed={selected}
                  onClick={() => onChange(selected ? null : s)}
                >
                  {formatTime(s.startsAt, zone)}
                </Button>
              );
            })}
          </SimpleGrid>
        </Stack>
      </Group>
    </Stack>
  );
}
