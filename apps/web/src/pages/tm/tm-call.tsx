import { Button, Card, Group, Radio, SegmentedControl, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import type { Call } from '../../api/types';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { formatDateTime } from '../../time';
import { CallRoom } from '../call-room';
import { CallStatus } from '../common';
import { useCall } from '../freelancer/call';

export function TalentManagerCallPage() {
  const { id = '' } = useParams();
  const call = useCall(id);
  const { zone } = useAuth();
  return (
    <Stack>
      <Title order={2}>Vetting call</Title>
      <QueryView query={call} label="Loading the call">
        {(c) => (
          <Stack>
            <Card withBorder>
              <Group>
                <CallStatus status={c.status} />
                <Text fw={600}>
                  {formatDateTime(c.startsAt, zone)} – {formatDateTime(c.endsAt, zone)}
                </Text>
              </Group>
            </Card>
            <CallRoom call={c} />
            <Scorecard call={c} />
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}

const SCORE = ['1', '2', '3', '4', '5'];

function Score({ label, value, onChange }: { label: string; value: number; onChange: (v: number) => void }) {
  const id = `score-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div>
      <Text size="sm" fw={500} id={id}>
        {label}
      </Text>
      <SegmentedControl aria-labelledby={id} data={SCORE} value={String(value)} onChange={(v) => onChange(Number(v))} />
    </div>
  );
}

interface ScorecardValues {
  hardSkills: { skill: string; score: number }[];
  reliability: number;
  communication: number;
  decision: 'pass' | 'fail';
  notes: string;
}

function Scorecard({ call }: { call: Call }) {
  const client = useQueryClient();
  const existing = useQuery({
    queryKey: ['scorecard', call.id],
    retry: false,
    queryFn: () =>
      unwrap<{ scorecard: Record<string, unknown> | null }>(
        api.GET('/api/vetting/calls/{id}/scorecard', { params: { path: { id: call.id } } }),
      ),
  });
  const form = useForm<ScorecardValues>({
    initialValues: {
      hardSkills: [{ skill: '', score: 3 }],
      reliability: 3,
      communication: 3,
      decision: 'pass',
      notes: '',
    },
    validate: { hardSkills: { skill: (v) => (v.trim() ? null : 'Name the skill') } },
  });
  const submit = useMutation({
    mutationFn: (v: ScorecardValues) =>
      unwrap(
        api.POST('/api/vetting/calls/{id}/scorecard', {
          params: { path: { id: call.id } },
          body: {
            hardSkills: v.hardSkills, // The document types `softSkills` as an empty object (a free-form map of 1–5 scores).
            softSkills: { reliability: v.reliability, communication: v.communication } as unknown as Record<
              string,
              never
            >,
            decision: v.decision,
            ...(v.notes ? { notes: v.notes } : {}),
          },
        }),
      ),
    onSuccess: () => {
      notifications.show({
        title: 'Scorecard submitted',
        message: 'Thank you: the scorecard is saved.',
        color: 'teal',
      });
      void client.invalidateQueries({ queryKey: ['scorecard', call.id] });
    },
  });
  const submitted = Boolean(existing.data?.scorecard);
  return (
    <Card withBorder>
      <Title order={3} mb="sm">
        Scorecard
      </Title>
      {submitted ? (
        <Text role="status">The scorecard for this call has been submitted.</Text>
      ) : (
        <form onSubmit={form.onSubmit((v) => submit.mutate(v))}>
          <Stack>
            {existing.isError && !(existing.error instanceof ApiError && existing.error.status === 404) && (
              <ErrorAlert error={existing.error} />
            )}
            <Text fw={600}>Hard skills (1–5)</Text>
            {form.values.hardSkills.map((_, i) => (
              <Group key={i} align="flex-end">
                <TextInput
                  label={`Skill ${i + 1}`}
                  placeholder="e.g. TypeScript"
                  {...form.getInputProps(`hardSkills.${i}.skill`)}
                />
                <Score
                  label={`Skill ${i + 1} score`}
                  value={form.values.hardSkills[i].score}
                  onChange={(v) => form.setFieldValue(`hardSkills.${i}.score`, v)}
                />
                {form.values.hardSkills.length > 1 && (
                  <Button
                    variant="subtle"
                    color="red"
                    onClick={() => form.removeListItem('hardSkills', i)}
                    aria-label={`Remove skill ${i + 1}`}
                  >
                    Remove
                  </Button>
                )}
              </Group>
            ))}
            <Button
              variant="default"
              onClick={() => form.insertListItem('hardSkills', { skill: '', score: 3 })}
              style={{ alignSelf: 'flex-start' }}
            >
              Add a skill
            </Button>
            <Text fw={600}>Soft skills (1–5)</Text>
            <Group>
              <Score
                label="Reliability"
                value={form.values.reliability}
                onChange={(v) => form.setFieldValue('reliability', v)}
              />
              <Score
                label="Communication"
                value={form.values.communication}
                onChange={(v) => form.setFieldValue('communication', v)}
              />
            </Group>
            <Radio.Group label="Decision" {...form.getInputProps('decision')}>
              <Group mt="xs">
                <Radio value="pass" label="Pass" />
                <Radio value="fail" label="Fail" />
              </Group>
            </Radio.Group>
            <Textarea label="Notes" autosize minRows={3} {...form.getInputProps('notes')} />
            <ErrorAlert error={submit.error} title="Could not submit the scorecard" />
            <Button type="submit" loading={submit.isPending} style={{ alignSelf: 'flex-start' }}>
              Submit scorecard
            </Button>
          </Stack>
        </form>
      )}
    </Card>
  );
}
