import { Alert, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Call, CallState } from '../api/types';
import { useAuth } from '../auth';
import { ErrorAlert } from '../components/states';
import { useNow } from '../hooks';
import { emitAck, useLive, useLiveEvent } from '../live';
import { usePolicy } from '../policy';
import { formatDateTime, formatDuration } from '../time';
import { isActiveCall } from './common';
import { CallMedia } from '../media/call-media';
import type { IceConfig } from '../media/provider';

/**
 * The live call room: opens `joinEarly` before the start, shows who is present (`call:state`), the grace
 * countdown before the start + grace, and the call's end (`call:ended`, `call:missed`).
 */
export function CallRoom({ call }: { call: Call }) {
  const { user, zone } = useAuth();
  const { socket, connected } = useLive();
  const policy = usePolicy();
  const now = useNow();
  const client = useQueryClient();
  const [state, setState] = useState<CallState | null>(null);
  const [joined, setJoined] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const [endingSoon, setEndingSoon] = useState(false);
  const [ice, setIce] = useState<IceConfig | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['call', call.id] });

  useLiveEvent<CallState>('call:state', (s) => s.call.id === call.id && setState(s));
  useLiveEvent<{ callId: string }>('call:ending-soon', (e) => e.callId === call.id && setEndingSoon(true));
  useLiveEvent<{ callId: string }>('call:ended', (e) => {
    if (e.callId !== call.id) return;
    setEnded('The call has ended.');
    setJoined(false);
    refresh();
  });
  useLiveEvent<{ callId: string; eligibleAt?: string }>('call:missed', (e) => {
    if (e.callId !== call.id) return;
    setEnded(
      `The call was missed.${e.eligibleAt ? ` You can be reconsidered from ${formatDateTime(e.eligibleAt, zone)}.` : ''}`,
    );
    setJoined(false);
    refresh();
  });
  useLiveEvent<{ callId: string }>('call:interviewer-absent', (e) => {
    if (e.callId !== call.id) return;
    setEnded('The talent manager did not join. You can book again for free; it does not use up your reschedule.');
    setJoined(false);
    refresh();
  });
  // After a reconnect the socket is a new member: join again so presence stays true.
  useEffect(() => {
    if (joined && connected && socket)
      void emitAck<CallState>(socket, 'call:join', { callId: call.id }).then(setState, setError);
  }, [connected]);
  useEffect(
    () => () => {
      if (socket?.connected) socket.emit('call:leave', { callId: call.id });
    },
    [socket, call.id],
  );

  const join = async () => {
    setError(null);
    try {
      const s = await emitAck<CallState & IceConfig>(socket, 'call:join', { callId: call.id });
      setState({ call: s.call, present: s.present });
      setIce({ iceServers: s.iceServers ?? [], iceTransportPolicy: s.iceTransportPolicy });
      setJoined(true);
      refresh();
    } catch (err) {
      setError(err);
    }
  };
  const leave = async () => {
    setError(null);
    try {
      await emitAck(socket, 'call:leave', { callId: call.id });
      setJoined(false);
    } catch (err) {
      setError(err);
    }
  };

  if (!policy.data || !user) return null;
  const start = Date.parse(call.startsAt);
  const end = Date.parse(call.endsAt);
  const opensAt = start - policy.data.joinEarlyMs;
  const graceEnds = start + policy.data.gracePeriodMs;
  const open = isActiveCall(call) && now >= opensAt && now < end;
  const present = state?.present ?? { freelancer: Boolean(call.freelancerJoinedAt), talentManager: false };
  const isFreelancer = user.role === 'freelancer';
  return (
    <Card withBorder>
      <Stack>
        <Title order={3}>Call room</Title>
        {!isActiveCall(call) || ended ? (
          <Text>{ended ?? 'The room is closed.'}</Text>
        ) : now < opensAt ? (
          <Text>
            The room opens at {formatDateTime(new Date(opensAt).toISOString(), zone)} (in{' '}
            {formatDuration(opensAt - now)}), {Math.round(policy.data.joinEarlyMs / 60000)} minutes before the start.
          </Text>
        ) : (
          <Text>The room is open until {formatDateTime(call.endsAt, zone)}.</Text>
        )}
        {isFreelancer && isActiveCall(call) && !call.freelancerJoinedAt && !joined && now < graceEnds && (
          <Text size="sm">
            {now < start
              ? `Join by ${formatDateTime(new Date(graceEnds).toISOString(), zone)}: after the start you have a ${Math.round(policy.data.gracePeriodMs / 60000)}-minute grace period.`
              : ''}
            {now >= start && (
              <Text component="span" c="red" fw={700} role="timer">
                Grace period: {formatDuration(graceEnds - now)} left to join, or the call counts as missed.
              </Text>
            )}
          </Text>
        )}
        {endingSoon && <Alert color="yellow">The call ends in a few minutes.</Alert>}
        <Group aria-live="polite">
          <Badge color={present.freelancer ? 'teal' : 'gray'} variant="light">
            Freelancer {present.freelancer ? 'present' : 'not present'}
          </Badge>
          <Badge color={present.talentManager ? 'teal' : 'gray'} variant="light">
            Talent manager {present.talentManager ? 'present' : 'not present'}
          </Badge>
        </Group>
        {joined && !ended && ice && (
          <CallMedia
            socket={socket}
            callId={call.id}
            peerId={isFreelancer ? call.talentManagerId : call.freelancerId}
            peerLabel={isFreelancer ? 'Talent manager' : 'Freelancer'}
            offerer={!isFreelancer}
            ice={ice}
          />
        )}
        <ErrorAlert error={error} title="The room refused" />
        <Group>
          {!joined ? (
            <Button onClick={() => void join()} disabled={!open || !connected} aria-describedby="room-hint">
              Join call
            </Button>
          ) : (
            <Button color="red" variant="light" onClick={() => void leave()}>
              Leave call
            </Button>
          )}
          <Text id="room-hint" size="xs" c="dimmed">
            {!connected
              ? 'Connecting to the live server…'
              : open
                ? joined
                  ? 'You are in the room.'
                  : 'The room is open.'
                : 'The room is not open.'}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}
