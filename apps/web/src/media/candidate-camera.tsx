import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { acquireCamera, currentCamera, releaseCamera, takeCameraDenied } from './camera';
import { peerToPeer } from './peer-to-peer';
import type { IceConfig, MediaProvider, MediaSession } from './provider';
import { Video } from './video';

type CameraSignal = 'camera_off' | 'camera_on' | 'camera_denied';

/**
 * The candidate's side of proctoring: the camera goes to every proctor watching the attempt (one-way),
 * and a camera that stops, is lost or is refused during the test is reported as an integrity signal
 * (`camera_off` at once, `camera_on` with the time it was off), with a button to turn it back on.
 */
export function CandidateCamera({
  socket,
  attemptId,
  ice,
  provider = peerToPeer,
}: {
  socket: Socket | null;
  attemptId: string;
  ice: IceConfig;
  provider?: MediaProvider;
}) {
  const [stream, setStream] = useState<MediaStream | null>(currentCamera());
  const [offSince, setOffSince] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const session = useRef<MediaSession | null>(null);
  const off = useRef<number | null>(null);
  const unwatch = useRef<() => void>(() => undefined);

  const signal = (type: CameraSignal, data?: { durationMs: number }) =>
    socket?.emit('attempt:signal', { attemptId, type, ...(data ? { data } : {}) }, () => undefined);

  const cameraLost = () => {
    if (off.current !== null) return;
    off.current = Date.now();
    setOffSince(off.current);
    signal('camera_off');
    session.current?.setLocalState({ audio: false, video: false });
  };

  const watchTrack = (s: MediaStream | null) => {
    unwatch.current();
    unwatch.current = () => undefined;
    const track = s?.getVideoTracks()[0];
    if (!track) return;
    const check = () => {
      if (track.readyState === 'ended') cameraLost();
    };
    track.addEventListener('ended', cameraLost);
    // A track stopped by the page itself fires no `ended`: look at it every second too.
    const t = setInterval(check, 1000);
    unwatch.current = () => {
      track.removeEventListener('ended', cameraLost);
      clearInterval(t);
    };
  };

  useEffect(() => {
    if (!socket) return;
    let stopped = false;
    (async () => {
      let s = currentCamera();
      if (!s || !s.getVideoTracks().some((t) => t.readyState === 'live')) {
        // A reload during the test: ask again (the permission is usually remembered).
        s = await acquireCamera().catch(() => null);
      }
      if (stopped) return;
      setStream(s);
      if (takeCameraDenied() || !s) {
        signal('camera_denied');
        off.current = Date.now();
        setOffSince(off.current);
      }
      session.current = provider.join({
        socket,
        room: `attempt:${attemptId}`,
        ice,
        role: { mode: 'publish' },
        local: s,
      });
      watchTrack(s);
    })();
    return () => {
      stopped = true;
      unwatch.current();
      session.current?.close();
      session.current = null;
      releaseCamera();
    };
  }, [socket, attemptId]);

  const turnOn = async () => {
    setProblem(null);
    try {
      const s = await acquireCamera();
      const since = off.current;
      off.current = null;
      setOffSince(null);
      setStream(s);
      session.current?.replaceVideoTrack(s.getVideoTracks()[0] ?? null);
      session.current?.setLocalState({ audio: false, video: true });
      watchTrack(s);
      if (since !== null) signal('camera_on', { durationMs: Math.min(86_400_000, Date.now() - since) });
    } catch (err) {
      setProblem(`The camera is still not available (${(err as Error).name}).`);
    }
  };

  return (
    <Paper withBorder p="xs" maw={360}>
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          Proctoring camera
        </Text>
        {offSince === null ? <Video stream={stream} label="Your camera" muted mirrored height={150} /> : null}
        {offSince !== null && (
          <Alert color="orange" title="Your camera is off" role="alert">
            The proctor is told when the camera stops and for how long. Turn it back on to continue under watch.
            <Group mt="xs">
              <Button size="xs" onClick={() => void turnOn()}>
                Camera on
              </Button>
            </Group>
          </Alert>
        )}
        {problem && (
          <Text c="red.8" size="sm">
            {problem}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
