import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth';
import { ErrorAlert, Loading, QueryView } from '../../components/states';
import { useNow } from '../../hooks';
import { emitAck, useLive, useLiveEvent } from '../../live';
import { formatDuration } from '../../time';
import { CandidateCameraView, CandidateThumbnail } from '../../media/proctor-camera';
import type { IceConfig } from '../../media/provider';

export interface LiveAttempt {
  attemptId: string;
  status: string;
  candidate: { id: string; name: string | null };
  assessment: { slug: string; title?: string; proctored?: boolean };
  startedAt: string | null;
  deadline: string | null;
  remainingMs: number | null;
  answeredCount: number;
  itemCount: number;
  signalCounts: Record<string, number>;
  integrity: { points: number; tier: 'none' | 'some' | 'major' };
}
export interface Signal {
  id: string;
  attemptId: string;
  type: string;
  source: string;
  actorId: string | null;
  data: Record<string, unknown>;
  at: string;
  integrity?: { points: number; tier: LiveAttempt['integrity']['tier'] };
}

const TIER_COLOR = { none: 'teal', some: 'yellow', major: 'red' } as const;
export const TierBadge = ({ tier }: { tier: LiveAttempt['integrity']['tier'] }) => (
  <Badge color={TIER_COLOR[tier]} variant="light">
    tier: {tier}
  </Badge>
);

const countsText = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`)
    .join(', ') || 'no signals';

/** Running attempts, updated live from the proctors' lobby (`proctoring:attempt-started` / `-ended`). */
export function ProctorLivePage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const { socket, connected } = useLive();
  const now = useNow();
  const live = useQuery({
    queryKey: ['proctoring', 'live'],
    queryFn: () => unwrap<{ attempts: LiveAttempt[] }>(api.GET('/api/proctoring/live')),
  });
  // (Re)join the lobby on every connection; its answer is the current list.
  useEffect(() => {
    if (!connected) return;
    void emitAck<{ attempts: LiveAttempt[] }>(socket, 'proctor:lobby').then(
      (a) => client.setQueryData(['proctoring', 'live'], { attempts: a.attempts }),
      () => undefined,
    );
  }, [connected, socket]);
  const upsert = (a: LiveAttempt) =>
    client.setQueryData<{ attempts: LiveAttempt[] }>(['proctoring', 'live'], (old) => ({
      attempts: [...(old?.attempts ?? []).filter((x) => x.attemptId !== a.attemptId), a],
    }));
  useLiveEvent<LiveAttempt>('proctoring:attempt-started', upsert);
  useLiveEvent<LiveAttempt>('proctoring:attempt-ended', (a) =>
    client.setQueryData<{ attempts: LiveAttempt[] }>(['proctoring', 'live'], (old) => ({
      attempts: (old?.attempts ?? []).filter((x) => x.attemptId !== a.attemptId),
    })),
  );
  return (
    <Stack>
      <Title order={2}>Live attempts</Title>
      <Text size="sm">This list updates live as candidates start and finish.</Text>
      <QueryView query={live} label="Loading running attempts">
        {({ attempts }) =>
          attempts.length === 0 ? (
            <Text>No attempt is running.</Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table aria-label="Running attempts">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Camera</Table.Th>
                    <Table.Th>Candidate</Table.Th>
                    <Table.Th>Test</Table.Th>
                    <Table.Th>Time left</Table.Th>
                    <Table.Th>Progress</Table.Th>
                    <Table.Th>Integrity</Table.Th>
                    <Table.Th>Signals</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Action</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {attempts.map((a) => (
                    <Table.Tr key={a.attemptId}>
                      <Table.Td>
                        {a.assessment.proctored ? (
                          <CandidateThumbnail
                            socket={socket}
                            connected={connected}
                            attemptId={a.attemptId}
                            candidateId={a.candidate.id}
                            candidateName={a.candidate.name ?? 'Candidate'}
                          />
                        ) : (
                          <Text size="xs">not proctored</Text>
                        )}
                      </Table.Td>
                      <Table.Td id={`candidate-${a.attemptId}`}>{a.candidate.name ?? a.candidate.id}</Table.Td>
                      <Table.Td>{a.assessment.title ?? a.assessment.slug}</Table.Td>
                      <Table.Td>{a.deadline ? formatDuration(Date.parse(a.deadline) - now) : '—'}</Table.Td>
                      <Table.Td>
                        {a.answeredCount}/{a.itemCount}
                      </Table.Td>
                      <Table.Td>
                        <TierBadge tier={a.integrity.tier} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">{countsText(a.signalCounts)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          onClick={() => navigate(`/proctoring/attempts/${a.attemptId}`)}
                          // The name is DESIGN's "Watch"; the row's candidate is its description.
                          aria-describedby={`candidate-${a.attemptId}`}
                        >
                          Watch
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

const describe = (s: Signal) => {
  const d = s.data ?? {};
  const parts: string[] = [s.type.replace(/_/g, ' ')];
  if (typeof d.length === 'number') parts.push(`${d.length} characters`);
  if (typeof d.durationMs === 'number')
    parts.push(`${s.type.startsWith('camera') ? 'off' : 'away'} ${formatDuration(d.durationMs)}`);
  if (typeof d.message === 'string') parts.push(`“${d.message}”`);
  if (typeof d.note === 'string') parts.push(`“${d.note}”`);
  if (typeof d.reason === 'string') parts.push(d.reason);
  return parts.join(' · ');
};

/**
 * One attempt watched live: the stored timeline from `proctor:watch`, merged by signal id with live
 * `attempt:signal` (relayed before storage), `attempt:signal-stored` (the stored integrity) and
 * `attempt:signal-withdrawn`. Warn, flag and terminate.
 */
export function ProctorAttemptPage() {
  const { id = '' } = useParams();
  const { zone } = useAuth();
  const { socket, connected } = useLive();
  const now = useNow();
  const [summary, setSummary] = useState<LiveAttempt | null>(null);
  const [signals, setSignals] = useState<Map<string, Signal>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('Please keep this tab in focus.');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [confirmTerminate, setConfirmTerminate] = useState(false);
  const [ended, setEnded] = useState<string | null>(null);
  const [ice, setIce] = useState<IceConfig | null>(null);

  const merge = (list: Signal[]) =>
    setSignals((old) => {
      const next = new Map(old);
      for (const s of list) next.set(s.id, { ...next.get(s.id), ...s });
      return next;
    });
  const integrityFrom = (s: Signal) => s.integrity && setSummary((a) => (a ? { ...a, integrity: s.integrity! } : a));

  useEffect(() => {
    if (!connected || !socket) return;
    emitAck<{ attempt: LiveAttempt; timeline: Signal[] } & IceConfig>(socket, 'proctor:watch', { attemptId: id }).then(
      (w) => {
        setError(null);
        setIce({ iceServers: w.iceServers ?? [], iceTransportPolicy: w.iceTransportPolicy });
        setSummary(w.attempt);
        merge(w.timeline);
        if (w.attempt.status !== 'in_progress') setEnded(`The attempt is ${w.attempt.status}.`);
      },
      setError,
    );
    return () => {
      if (socket.connected) socket.emit('proctor:unwatch', { attemptId: id });
    };
  }, [connected, socket, id]);

  useLiveEvent<Signal>('attempt:signal', (s) => {
    if (s.attemptId !== id) return;
    merge([s]);
    integrityFrom(s);
  });
  useLiveEvent<Signal>('attempt:signal-stored', (s) => {
    if (s.attemptId !== id) return;
    merge([s]);
    integrityFrom(s);
  });
  useLiveEvent<{ attemptId: string; id: string }>('attempt:signal-withdrawn', (w) => {
    if (w.attemptId !== id) return;
    setSignals((old) => {
      const next = new Map(old);
      next.delete(w.id);
      return next;
    });
  });
  useLiveEvent<{ attemptId: string; answeredCount: number; total: number }>('attempt:progress', (p) => {
    if (p.attemptId === id) setSummary((a) => (a ? { ...a, answeredCount: p.answeredCount, itemCount: p.total } : a));
  });
  useLiveEvent<{ attemptId: string; status: string; reason?: string }>('attempt:ended', (e) => {
    if (e.attemptId === id)
      setEnded(`The attempt ended: ${e.status}${e.reason ? ` (${e.reason.replace(/_/g, ' ')})` : ''}.`);
  });

  const act = async (event: string, payload: Record<string, unknown>, done: string) => {
    setError(null);
    try {
      const res = await emitAck<{ signal?: Signal }>(socket, event, { attemptId: id, ...payload });
      if (res.signal) merge([res.signal]);
      notifications.show({ title: done, message: '', color: 'teal' });
    } catch (err) {
      setError(err);
    }
  };

  const timeline = [...signals.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  if (!summary && !error) return <Loading label="Connecting to the attempt" />;
  return (
    <Stack>
      <Title order={2}>Attempt {summary ? `· ${summary.candidate.name ?? summary.candidate.id}` : ''}</Title>
      <ErrorAlert error={error} />
      {summary && (
        <Card withBorder>
          <Group>
            <Text fw={600}>{summary.assessment.title ?? summary.assessment.slug}</Text>
            <TierBadge tier={summary.integrity.tier} />
            <Text size="sm">{summary.integrity.points} points</Text>
            <Text size="sm">
              {summary.answeredCount}/{summary.itemCount} answered
            </Text>
            <Text size="sm" role="timer">
              {summary.deadline && !ended ? `${formatDuration(Date.parse(summary.deadline) - now)} left` : ''}
            </Text>
          </Group>
        </Card>
      )}
      {summary && !ended && ice && summary.assessment.proctored && (
        <Card withBorder maw={420}>
          <CandidateCameraView
            socket={socket}
            attemptId={id}
            candidateId={summary.candidate.id}
            candidateName={summary.candidate.name ?? 'Candidate'}
            ice={ice}
          />
        </Card>
      )}
      {ended && (
        <Text role="status" fw={600}>
          {ended}
        </Text>
      )}
      {!ended && summary && (
        <Card withBorder>
          <Stack>
            <Group align="flex-end">
              <TextInput
                label="Warning message"
                value={message}
                onChange={(e) => setMessage(e.currentTarget.value)}
                style={{ flex: 1, minWidth: 220 }}
              />
              <Button
                color="grape"
                disabled={!message.trim()}
                onClick={() => void act('proctor:warn', { message }, 'Warning sent')}
              >
                Warn
              </Button>
            </Group>
            <Group align="flex-end">
              <TextInput
                label="Flag note"
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                style={{ flex: 1, minWidth: 220 }}
              />
              <Button
                color="yellow.9"
                disabled={!note.trim()}
                onClick={() => void act('proctor:flag', { note }, 'Flag recorded').then(() => setNote(''))}
              >
                Flag
              </Button>
            </Group>
            <Group>
              <Button color="red" onClick={() => setConfirmTerminate(true)}>
                Terminate
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
      <Title order={3}>Timeline</Title>
      <Table aria-label="Integrity timeline" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Signal</Table.Th>
            <Table.Th>Source</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody aria-live="polite">
          {timeline.map((s) => (
            <Table.Tr key={s.id} data-signal-type={s.type}>
              <Table.Td>
                {new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium', timeZone: zone }).format(new Date(s.at))}
              </Table.Td>
              <Table.Td>{describe(s)}</Table.Td>
              <Table.Td>{s.source}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {timeline.length === 0 && <Text c="dimmed">No signals yet.</Text>}
      <Modal opened={confirmTerminate} onClose={() => setConfirmTerminate(false)} title="Terminate the attempt?">
        <Stack>
          <Textarea label="Reason" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Text size="sm">The candidate's test ends now and is not a pass.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmTerminate(false)}>
              Keep it running
            </Button>
            <Button
              color="red"
              disabled={!reason.trim()}
              onClick={() =>
                void act('proctor:terminate', { reason }, 'Attempt terminated').then(() => setConfirmTerminate(false))
              }
            >
              Terminate now
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
