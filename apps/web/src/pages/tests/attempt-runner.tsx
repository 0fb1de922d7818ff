import { Alert, Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAuth } from '../../auth';
import { ErrorAlert } from '../../components/states';
import { useNow } from '../../hooks';
import { emitAck, useLive, useLiveEvent } from '../../live';
import { formatDuration, formatTime } from '../../time';
import { useIntegritySignals } from './integrity';
import { AttemptView } from './types';
import { CandidateCamera } from '../../media/candidate-camera';
import type { IceConfig } from '../../media/provider';
import { Answer, ItemCard, Save } from './attempt-question';

export function Runner({ attemptId, title }: { attemptId: string; title: string }) {
  const { socket, connected } = useLive();
  const client = useQueryClient();
  const { zone } = useAuth();
  const now = useNow(250);
  const [view, setView] = useState<AttemptView | null>(null);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [saves, setSaves] = useState<Record<string, Save>>({});
  const [clock, setClock] = useState<{ deadline: number; offset: number } | null>(null);
  const [warnings, setWarnings] = useState<{ message: string; at: string }[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [ice, setIce] = useState<IceConfig | null>(null);
  const unsaved = useRef(new Map<string, Answer>());
  const wasConnected = useRef(false);
  const dropped = useRef(false);

  const save = useCallback(
    async (itemId: string, answer: Answer) => {
      unsaved.current.set(itemId, answer);
      setSaves((s) => ({ ...s, [itemId]: { state: 'saving' } }));
      try {
        const res = await emitAck<{ savedAt: string }>(socket, 'attempt:answer', { attemptId, itemId, answer });
        if (unsaved.current.get(itemId) === answer) unsaved.current.delete(itemId);
        setSaves((s) => ({ ...s, [itemId]: { state: 'saved', at: res.savedAt } }));
      } catch (err) {
        setSaves((s) => ({ ...s, [itemId]: { state: 'error', message: (err as Error).message } }));
      }
    },
    [socket, attemptId],
  );

  // Join on connect, and again after every reconnect: the server returns the full state (items, saved answers, deadline).
  useEffect(() => {
    if (!connected || !socket) {
      if (wasConnected.current) dropped.current = true;
      return;
    }
    const rejoin = dropped.current;
    dropped.current = false;
    wasConnected.current = true;
    emitAck<{ attempt: AttemptView } & IceConfig>(socket, 'attempt:join', { attemptId }).then(
      ({ attempt, iceServers, iceTransportPolicy }) => {
        setError(null);
        setIce({ iceServers: iceServers ?? [], iceTransportPolicy });
        setView(attempt);
        setClock({ deadline: Date.parse(attempt.deadline!), offset: Date.parse(attempt.serverTime) - Date.now() });
        const saved = Object.fromEntries(attempt.answers.map((a) => [a.itemId, a.answer]));
        setAnswers({ ...saved, ...Object.fromEntries(unsaved.current) });
        setSaves(
          Object.fromEntries(attempt.answers.map((a) => [a.itemId, { state: 'saved' as const, at: a.savedAt }])),
        );
        for (const [itemId, answer] of unsaved.current) void save(itemId, answer);
        if (rejoin)
          notifications.show({ title: 'Reconnected', message: 'Your test resumed where you left it.', color: 'teal' });
      },
      (err) => {
        setError(err);
        void client.invalidateQueries({ queryKey: ['attempt', attemptId] });
      },
    );
  }, [connected, socket, attemptId]);

  useLiveEvent<{ attemptId: string; deadline: string; serverTime: string }>('attempt:time', (t) => {
    if (t.attemptId === attemptId)
      setClock({ deadline: Date.parse(t.deadline), offset: Date.parse(t.serverTime) - Date.now() });
  });
  useLiveEvent<{ attemptId: string; message: string; at: string }>('proctor:warning', (w) => {
    if (w.attemptId === attemptId) setWarnings((ws) => [...ws, { message: w.message, at: w.at }]);
  });
  const onEnded = (e: { attemptId: string; status?: string; reason?: string }) => {
    if (e.attemptId !== attemptId) return;
    setEnded(
      e.status === 'expired'
        ? 'Time is up: your answers were submitted.'
        : e.status === 'terminated'
          ? `A proctor ended this test${e.reason ? `: ${e.reason}` : ''}.`
          : 'The test has ended.',
    );
    setTimeout(() => void client.invalidateQueries({ queryKey: ['attempt', attemptId] }), 1500);
  };
  useLiveEvent('attempt:ended', onEnded);
  useLiveEvent('attempt:terminated', onEnded);

  const running = Boolean(view) && !ended;
  useIntegritySignals(socket, attemptId, running);

  const submit = async () => {
    setSubmitting(true);
    try {
      await emitAck(socket, 'attempt:submit', { attemptId });
      setEnded('Submitted. Your test is being graded.');
      void client.invalidateQueries({ queryKey: ['attempt', attemptId] });
    } catch (err) {
      setError(err);
    } finally {
      setSubmitting(false);
    }
  };

  const remaining = clock ? Math.max(0, clock.deadline - (now + clock.offset)) : null;
  const total = view ? view.items.length : 0;
  const answered = Object.keys(answers).length;
  return (
    <Stack>
      <Group justify="space-between" align="center" wrap="wrap">
        <Title order={2}>{title}</Title>
        <Paper withBorder px="md" py={6}>
          <Text
            fw={700}
            size="xl"
            role="timer"
            aria-label="Time left"
            c={remaining !== null && remaining < 60_000 ? 'red.8' : undefined}
          >
            {remaining === null ? '--:--' : formatDuration(remaining)}
          </Text>
        </Paper>
      </Group>
      {!connected && (
        <Alert color="yellow" title="Connection lost">
          Reconnecting… The clock keeps running on the server; your answers are kept and saved when you are back.
        </Alert>
      )}
      {warnings.map((w, i) => (
        <Alert key={i} color="orange" title="Warning from the proctor" role="alert">
          {w.message}{' '}
          <Text span size="xs">
            ({formatTime(w.at, zone)})
          </Text>
        </Alert>
      ))}
      {ended && (
        <Alert color="blue" title="Test ended" role="alert">
          {ended}
        </Alert>
      )}
      <ErrorAlert error={error} />
      {view && !ended && ice && view.assessment.proctored && (
        <CandidateCamera socket={socket} attemptId={attemptId} ice={ice} />
      )}
      {view && !ended && (
        <>
          <Progress value={total ? (answered / total) * 100 : 0} aria-label={`${answered} of ${total} answered`} />
          <Text size="sm">
            {answered} of {total} answered
          </Text>
          {view.items.map((item, i) => (
            <ItemCard
              key={item.id}
              index={i}
              item={item}
              value={answers[item.id]}
              save={saves[item.id]}
              zone={zone}
              onChange={(a) => {
                setAnswers((s) => ({ ...s, [item.id]: a }));
                void save(item.id, a);
              }}
            />
          ))}
          <Button onClick={() => void submit()} loading={submitting} style={{ alignSelf: 'flex-start' }}>
            Submit test
          </Button>
        </>
      )}
    </Stack>
  );
}
