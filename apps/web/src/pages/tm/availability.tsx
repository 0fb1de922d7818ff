import {
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { DatePickerInput, TimeInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import { ErrorAlert, Loading } from '../../components/states';
import { useAuth } from '../../auth';
import { TIME_ZONES } from '../sign-in';
import { useCategories } from '../common';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface Availability {
  timeZone: string;
  weekly: { weekday: number; start: string; end: string }[];
  exceptions: { date: string; available: false }[];
  categorySlugs: string[];
  dailyCap: number;
}

interface Day {
  on: boolean;
  start: string;
  end: string;
}

const defaultDays = (): Day[] => WEEKDAYS.map((_, i) => ({ on: i < 5, start: '09:00', end: '17:00' }));

/** Weekly hours as a week grid in the talent manager's zone, days off, daily cap and categories. */
export function AvailabilityPage() {
  const { zone } = useAuth();
  const client = useQueryClient();
  const categories = useCategories();
  const current = useQuery({
    queryKey: ['availability'],
    retry: false,
    queryFn: async () => {
      try {
        return await unwrap<Availability>(api.GET('/api/talent-managers/me/availability'));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
  const [timeZone, setTimeZone] = useState(zone);
  const [days, setDays] = useState<Day[]>(defaultDays);
  const [daysOff, setDaysOff] = useState<string[]>([]);
  const [dailyCap, setDailyCap] = useState<number | string>(8);
  const [cats, setCats] = useState<string[]>([]);
  useEffect(() => {
    const a = current.data;
    if (!a) return;
    setTimeZone(a.timeZone);
    setDays(
      WEEKDAYS.map((_, i) => {
        const w = a.weekly.find((x) => x.weekday === i + 1);
        return w
          ? { on: true, start: w.start, end: w.end === '24:00' ? '00:00' : w.end }
          : { on: false, start: '09:00', end: '17:00' };
      }),
    );
    setDaysOff(a.exceptions.map((e) => e.date));
    setDailyCap(a.dailyCap);
    setCats(a.categorySlugs);
  }, [current.data]);
  const save = useMutation({
    mutationFn: () =>
      unwrap<Availability>(
        api.PUT('/api/talent-managers/me/availability', {
          body: {
            timeZone,
            // An end of 00:00 is midnight at the end of the day (the api's "24:00").
            weekly: days.flatMap((d, i) =>
              d.on ? [{ weekday: i + 1, start: d.start, end: d.end === '00:00' ? '24:00' : d.end }] : [],
            ),
            exceptions: daysOff.map((date) => ({ date, available: false as const })),
            dailyCap: Number(dailyCap) || undefined,
            ...(cats.length ? { categorySlugs: cats } : {}),
          },
        }),
      ),
    onSuccess: (a) => {
      client.setQueryData(['availability'], a);
      notifications.show({ title: 'Availability saved', message: `Your hours are in ${a.timeZone}.`, color: 'teal' });
    },
  });
  const set = (i: number, patch: Partial<Day>) => setDays((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  if (current.isPending) return <Loading label="Loading your availability" />;
  return (
    <Stack>
      <Title order={2}>Availability</Title>
      <ErrorAlert error={current.error} onRetry={() => void current.refetch()} />
      {current.data === null && (
        <Text>You have not published availability yet; freelancers cannot book you until you save it.</Text>
      )}
      <Card withBorder>
        <Stack>
          <NativeSelect
            label="Time zone"
            data={TIME_ZONES.includes(timeZone) ? TIME_ZONES : [timeZone, ...TIME_ZONES]}
            value={timeZone}
            onChange={(e) => setTimeZone(e.currentTarget.value)}
            maw={360}
          />
          <Text size="sm">Hours are in the time zone above; a day ending at 00:00 runs until midnight.</Text>
          <Table.ScrollContainer minWidth={420}>
            <Table aria-label="Weekly hours">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Day</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>To</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {days.map((d, i) => (
                  <Table.Tr key={WEEKDAYS[i]}>
                    <Table.Td>
                      <Checkbox
                        label={WEEKDAYS[i]}
                        checked={d.on}
                        onChange={(e) => set(i, { on: e.currentTarget.checked })}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TimeInput
                        aria-label={`${WEEKDAYS[i]} from`}
                        value={d.start}
                        disabled={!d.on}
                        onChange={(e) => set(i, { start: e.currentTarget.value })}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TimeInput
                        aria-label={`${WEEKDAYS[i]} to`}
                        value={d.end}
                        disabled={!d.on}
                        onChange={(e) => set(i, { end: e.currentTarget.value })}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <DatePickerInput
            weekendDays={[]}
            type="multiple"
            label="Days off (exceptions)"
            placeholder="Pick dates"
            value={daysOff}
            onChange={(v) => setDaysOff(v as string[])}
            clearable
            maw={480}
          />
          <Group align="flex-start">
            <NumberInput
              label="Daily cap (calls per day)"
              min={1}
              max={48}
              value={dailyCap}
              onChange={setDailyCap}
              maw={220}
            />
            <MultiSelect
              label="Categories"
              placeholder={cats.length ? undefined : 'All eligible categories'}
              data={(categories.data ?? [])
                .filter((c) => c.expertVettedEligible)
                .map((c) => ({ value: c.slug, label: c.name }))}
              value={cats}
              onChange={setCats}
              maw={480}
              style={{ flex: 1 }}
            />
          </Group>
          <ErrorAlert error={save.error} title="Could not save" />
          <Button onClick={() => save.mutate()} loading={save.isPending} style={{ alignSelf: 'flex-start' }}>
            Save availability
          </Button>
        </Stack>
      </Card>
    </Stack>
  );
}
