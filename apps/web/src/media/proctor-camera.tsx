import { Badge, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { emitAck } from '../live';
import { peerToPeer } from './peer-to-peer';
import type { IceConfig, LinkState, MediaProvider, PeerMediaState } from './provider';
import { Video } from './video';

const STATUS: Record<LinkState, string> = {
  connecting: 'connecting…',
  connected: 'live',
  reconnecting: 'reconnecting…',
  failed: 'no connection',
  closed: 'closed',
};

/** A proctor receives one candidate's camera (one-way) while watching the attempt. */
export function CandidateCameraView({
  socket,
  attemptId,
  candidateId,
  candidateName,
  ice,
  height = 240,
  provider = peerToPeer,
}: {
  socket: Socket | null;
  attemptId: string;
  candidateId: string;
  candidateName: string;
  ice: IceConfig;
  height?: number;
  provider?: MediaProvider;
}) {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [link, setLink] = useState<LinkState>('connecting');
  const [theirs, setTheirs] = useState<PeerMediaState | null>(null);
  useEffect(() => {
    if (!socket) return;
    const session = provider.join({
      socket,
      room: `attempt:${attemptId}`,
      ice,
      role: { mode: 'view', peerId: candidateId },
      local: null,
      onRemoteStream: (_p, s) => setStream(s),
      onLinkState: (_p, s) => setLink(s),
      onPeerState: (_p, s) => setTheirs(s),
    });
    return () => session.close();
  }, [socket, attemptId, candidateId]);
  const cameraOff = theirs !== null && !theirs.video;
  return (
    <Stack gap={4}>
      <Video stream={stream} label={`${candidateName}'s camera`} muted height={height} />
      <Group gap={6}>
        <Badge size="sm" variant="light" color={link === 'connected' && !cameraOff ? 'teal' : 'gray'}>
          camera {cameraOff ? 'off' : STATUS[link]}
        </Badge>
      </Group>
    </Stack>
  );
}

/** The dashboard's live thumbnail of a running attempt: watches it (`proctor:watch`, for the ICE servers) and shows the camera small. */
export function CandidateThumbnail({
  socket,
  connected,
  attemptId,
  candidateId,
  candidateName,
}: {
  socket: Socket | null;
  connected: boolean;
  attemptId: string;
  candidateId: string;
  candidateName: string;
}) {
  const [ice, setIce] = useState<IceConfig | null>(null);
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    if (!socket || !connected) return;
    let gone = false;
    emitAck<IceConfig>(socket, 'proctor:watch', { attemptId }).then(
      (w) => !gone && setIce({ iceServers: w.iceServers ?? [], iceTransportPolicy: w.iceTransportPolicy }),
      () => !gone && setRefused(true),
    );
    return () => {
      gone = true;
      if (socket.connected) socket.emit('proctor:unwatch', { attemptId });
    };
  }, [socket, connected, attemptId]);
  if (refused) return <Text size="xs">no camera</Text>;
  if (!ice) return <Text size="xs">connecting…</Text>;
  return (
    <div style={{ width: 160 }}>
      <CandidateCameraView
        socket={socket}
        attemptId={attemptId}
        candidateId={candidateId}
        candidateName={candidateName}
        ice={ice}
        height={90}
      />
    </div>
  );
}
