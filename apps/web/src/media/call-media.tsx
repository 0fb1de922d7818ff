import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { peerToPeer } from './peer-to-peer';
import type { IceConfig, LinkState, MediaProvider, MediaSession, PeerMediaState } from './provider';
import { Video } from './video';

export interface CallMediaProps {
  socket: Socket | null;
  callId: string;
  /** The other participant. */
  peerId: string;
  peerLabel: string;
  /** The talent manager makes the offers; the freelancer answers. */
  offerer: boolean;
  /** From the `call:join` ack. */
  ice: IceConfig;
  provider?: MediaProvider;
}

const LINK_TEXT: Record<LinkState, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'connection lost, reconnecting…',
  failed: 'connection failed',
  closed: 'disconnected',
};

/**
 * The vetting call's video: this side's camera and microphone, the other side's video and sound, mute and
 * camera controls, and the other side's state. Mounted while the participant is in the room; unmounting
 * (leaving, or the server ending the call) stops every track and closes the connection.
 */
export function CallMedia({ socket, callId, peerId, peerLabel, offerer, ice, provider = peerToPeer }: CallMediaProps) {
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [remote, setRemote] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [mine, setMine] = useState<PeerMediaState>({ audio: true, video: true });
  const [theirs, setTheirs] = useState<PeerMediaState | null>(null);
  const [link, setLink] = useState<LinkState>('connecting');
  const session = useRef<MediaSession | null>(null);

  useEffect(() => {
    if (!socket) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
      } catch (err) {
        setProblem(
          `Your camera or microphone is not available (${(err as Error).name}). The other side can still see you once you allow it and join again.`,
        );
        stream = null;
      }
      if (stopped) {
        stream?.getTracks().forEach((t) => t.stop());
        return;
      }
      setLocal(stream);
      setMine({ audio: Boolean(stream?.getAudioTracks().length), video: Boolean(stream?.getVideoTracks().length) });
      session.current = provider.join({
        socket,
        room: `call:${callId}`,
        ice,
        role: { mode: 'call', peerId, offerer },
        local: stream,
        onRemoteStream: (_p, s) => setRemote(s),
        onPeerState: (_p, s) => setTheirs(s),
        onLinkState: (_p, s) => setLink(s),
      });
    })();
    return () => {
      stopped = true;
      session.current?.close();
      session.current = null;
      stream?.getTracks().forEach((t) => t.stop());
      setRemote(null);
    };
  }, [socket, callId, peerId, offerer]);

  const toggle = (kind: 'audio' | 'video') => {
    if (!local) return;
    const next = { ...mine, [kind]: !mine[kind] };
    for (const t of kind === 'audio' ? local.getAudioTracks() : local.getVideoTracks()) t.enabled = next[kind];
    setMine(next);
    session.current?.setLocalState(next);
  };

  return (
    <Stack gap="xs" aria-label="Video call" role="group">
      {problem && <Alert color="yellow">{problem}</Alert>}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Paper withBorder p={4}>
          <Video stream={remote} label={`${peerLabel}'s video`} muted={false} />
          <Group gap={6} mt={4} aria-live="polite">
            <Text size="sm" fw={600}>
              {peerLabel}
            </Text>
            <Badge variant="light" color={link === 'connected' ? 'teal' : 'gray'}>
              {LINK_TEXT[link]}
            </Badge>
            {theirs && !theirs.audio && (
              <Badge color="orange" variant="light">
                muted
              </Badge>
            )}
            {theirs && !theirs.video && (
              <Badge color="orange" variant="light">
                camera off
              </Badge>
            )}
          </Group>
        </Paper>
        <Paper withBorder p={4}>
          <Video stream={local} label="Your video" muted mirrored />
          <Text size="sm" mt={4}>
            You{!mine.audio ? ' · muted' : ''}
            {!mine.video ? ' · camera off' : ''}
          </Text>
        </Paper>
      </SimpleGrid>
      <Group>
        <Button
          variant="default"
          onClick={() => toggle('audio')}
          disabled={!local?.getAudioTracks().length}
          aria-pressed={!mine.audio}
        >
          {mine.audio ? 'Mute' : 'Unmute'}
        </Button>
        <Button
          variant="default"
          onClick={() => toggle('video')}
          disabled={!local?.getVideoTracks().length}
          aria-pressed={!mine.video}
        >
          {mine.video ? 'Camera off' : 'Camera on'}
        </Button>
      </Group>
    </Stack>
  );
}
