import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  Progress,
  Radio,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth';
import { ErrorAlert, QueryView } from '../../components/states';
import { useNow } from '../../hooks';
import { emitAck, useLive, useLiveEvent } from '../../live';
import { formatDuration, formatTime } from '../../time';
import { useIntegritySignals } from './integrity';
import { ReportView } from './report';
import { AttemptView, durationWords, Item } from './types';
import { useCameraStart } from '../../media/camera';
import { CandidateCamera } from '../../media/candidate-camera';
import type { IceConfig } from '../../media/provider';

const ENDED = ['submitted', 'expired', 'terminated', 'graded', 'abandoned'];

export function AttemptPage() {
  const { id = '' } = useParams();
  const [started, setStarted] = useState(false);
  const attempt = useQuery({
    queryKey: ['attempt', id],
    queryFn: () => unwrap<AttemptView>(api.GET('/api/attempts/{id}', { params: { path: { id } } })),
    // Until graded, look again: grading runs in the worker after the end.
    refetchInterval: (q) =>
      q.state.data &&
      ENDED.includes(q.state.data.status) &&
      q.state.data.status !== 'graded' &&
      q.state.data.status !== 'abandoned'
        ? 1500
        : false,
  });
  return (
    <QueryView query={attempt} label="Loading the test">
      {(a) =>
        a.status === 'created' && !started ? (
          <Lobby attempt={a} onStart={() => setStarted(true)} />
        ) : a.status === 'created' || a.status === 'in_progress' ? (
          <Runner attemptId={a.id} title={a.assessment.title} />
        ) : (
          <Result attempt={a} />
        )
      }
    </QueryView>
  );
}

function Lobby({ attempt, onStart }: { attempt: AttemptView; onStart: () => void }) {
  const a = attempt.assessment;
  const camera = useCameraStart(a, onStart);
  return (
    <Stack maw={640}>
      <Title order={2}>{a.title}</Title>
      <Text>{a.description}</Text>
      <Text>
        {attempt.assessment.itemCount} questions · {durationWords(a.duration)} · pass mark {a.passingScore}%
      </Text>
      {a.proctored && (
        <Alert color="grape" title="This test is proctored">
          A proctor may watch live. Leaving the tab or window, pasting, copying and leaving full screen are recorded
          with their time. The clock is held by the server and keeps running if you disconnect; reconnect to resume.
        </Alert>
      )}
      {a.proctored && (
        <Text size="sm">
          {camera.required
            ? 'Your camera is needed: the proctor sees it live while the test runs. The browser asks for it when you start.'
            : 'The proctor may see your camera live; this test can also be taken without it.'}
        </Text>
      )}
      {camera.problem && (
        <Alert color="red" title="The test did not start" role="alert">
          {camera.problem}
        </Alert>
      )}
      <Button onClick={() => void camera.start()} loading={camera.asking} style={{ alignSelf: 'flex-start' }}>
        Start test
      </Button>
    </Stack>
  );
}

type Save = { state: 'saving' | 'saved' | 'error'; at?: string; message?: string };
type Answer = Record<string, unknown>;

function Runner({ attemptId, title }: { attemptId: string; title: string }) {
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

function SaveIndicator({ save, zone }: { save?: Save; zone: string }) {
  if (!save)
    return (
      <Text size="xs" c="dimmed">
        Not answered
      </Text>
    );
  if (save.state === 'saving')
    return (
      <Text size="xs" c="dimmed">
        Saving…
      </Text>
    );
  if (save.state === 'error')
    return (
      <Text size="xs" c="red.8">
        Not saved: {save.message}
      </Text>
    );
  return (
    <Text size="xs" c="teal.9">
      Saved {save.at ? `at ${formatTime(save.at, zone)}` : ''}
    </Text>
  );
}

function ItemCard({
  item,
  index,
  value,
  onChange,
  save,
  zone,
}: {
  item: Item;
  index: number;
  value?: Answer;
  onChange: (a: Answer) => void;
  save?: Save;
  zone: string;
}) {
  const heading = `Question ${index + 1}`;
  return (
    <Card withBorder component="section" aria-label={heading}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={700}>{heading}</Text>
          <div aria-live="polite">
            <SaveIndicator save={save} zone={zone} />
          </div>
        </Group>
        {item.type === 'multiple_choice' && item.multiple ? (
          <Checkbox.Group
            label={item.prompt}
            value={(value?.optionIds as string[]) ?? []}
            onChange={(v) => onChange({ optionIds: v })}
          >
            <Stack gap={6} mt="xs">
              {item.options.map((o) => (
                <Checkbox key={o.id} value={o.id} label={o.text} />
              ))}
            </Stack>
          </Checkbox.Group>
        ) : item.type === 'multiple_choice' ? (
          <Radio.Group
            label={item.prompt}
            value={((value?.optionIds as string[]) ?? [])[0] ?? null}
            onChange={(v) => onChange({ optionIds: [v] })}
          >
            <Stack gap={6} mt="xs">
              {item.options.map((o) => (
                <Radio key={o.id} value={o.id} label={o.text} />
              ))}
            </Stack>
          </Radio.Group>
        ) : item.type === 'scenario' ? (
          <Radio.Group
            label={item.prompt}
            value={(value?.optionId as string) ?? null}
            onChange={(v) => onChange({ optionId: v })}
          >
            <Stack gap={6} mt="xs">
              {item.options.map((o) => (
                <Radio key={o.id} value={o.id} label={o.text} />
              ))}
            </Stack>
          </Radio.Group>
        ) : (
          <CodingItem item={item} value={value} onChange={onChange} />
        )}
      </Stack>
    </Card>
  );
}

function CodingItem({
  item,
  value,
  onChange,
}: {
  item: Extract<Item, { type: 'coding' }>;
  value?: Answer;
  onChange: (a: Answer) => void;
}) {
  const language = (value?.language as string) ?? item.languages[0];
  const [code, setCode] = useState<string>((value?.code as string) ?? item.starterCode[language] ?? '');
  // Autosave after a pause in typing.
  useEffect(() => {
    if (code === ((value?.code as string) ?? item.starterCode[language] ?? '')) return;
    const t = setTimeout(() => onChange({ language, code }), 800);
    return () => clearTimeout(t);
  }, [code]);
  return (
    <Stack gap="xs">
      <Text fw={600}>{item.title}</Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {item.statement}
      </Text>
      <NativeSelect
        label="Language"
        data={item.languages}
        value={language}
        onChange={(e) => onChange({ language: e.currentTarget.value, code })}
        maw={240}
      />
      <Textarea
        label="Your code"
        autosize
        minRows={8}
        styles={{ input: { fontFamily: 'monospace' } }}
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
      />
    </Stack>
  );
}

function Result({ attempt }: { attempt: AttemptView }) {
  const reason: Record<string, string> = {
    submitted: 'Submitted: grading is under way.',
    expired: 'Time ran out: your saved answers were submitted and are being graded.',
    terminated: `Ended by a proctor${attempt.endReason ? `: ${attempt.endReason}` : ''}.`,
    abandoned: 'This attempt lapsed before it started.',
    graded: 'Graded.',
  };
  return (
    <Stack>
      <Title order={2}>{attempt.assessment.title}</Title>
      <Group>
        <Badge size="lg" variant="light">
          {attempt.status}
        </Badge>
        <Text>{reason[attempt.status] ?? attempt.status}</Text>
      </Group>
      {attempt.status === 'graded' && attempt.report ? (
        <ReportView attempt={attempt} />
      ) : (
        attempt.status !== 'abandoned' && <Text size="sm">This page updates when the grade is ready.</Text>
      )}
      <Anchor component={Link} to="/tests">
        Back to tests
      </Anchor>
    </Stack>
  );
}
