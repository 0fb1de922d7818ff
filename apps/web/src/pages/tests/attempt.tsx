import { Alert, Anchor, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { QueryView } from '../../components/states';
import { ReportView } from './report';
import { AttemptView, durationWords } from './types';
import { useCameraStart } from '../../media/camera';
import { Runner } from './attempt-runner';

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
