import { BeforeApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { IceServers, ack, liveUser } from '@vetting/live';
import { invalidField } from '../domain/calendar.errors';
import { toCallView } from '../data/call.entities';
import { CallRoomService, callRoom } from './call-room.service';

const callIdOf = (body: unknown): string => {
  const id = (body as { callId?: unknown } | undefined)?.callId;
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw invalidField('callId', 'callId must be a UUID');
  }
  return id;
};

/** The live call room: `call:join`, `call:leave`, and `call:state` (the call and who is present) to the room. */
@WebSocketGateway({ namespace: '/live' })
export class CallRoomGateway implements OnGatewayDisconnect, BeforeApplicationShutdown {
  @WebSocketServer() server!: Namespace;
  private shuttingDown = false;

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  constructor(
    private readonly room: CallRoomService,
    private readonly ice: IceServers,
  ) {}

  @SubscribeMessage('call:join')
  join(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const callId = callIdOf(body);
      const user = liveUser(socket);
      const call = await this.room.join(user, callId);
      await socket.join(callRoom(callId));
      socket.data.callRooms = [...new Set([...(socket.data.callRooms ?? []), callRoom(callId)])];
      const state = await this.state(call);
      this.server.to(callRoom(callId)).emit('call:state', state);
      // WebRTC: ICE servers with TURN credentials that expire when the room closes (the call's end).
      return { ...state, ...this.ice.forRoom(user.id, call.endsAt) };
    });
  }

  @SubscribeMessage('call:leave')
  leave(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const callId = callIdOf(body);
      await socket.leave(callRoom(callId));
      socket.data.callRooms = (socket.data.callRooms ?? []).filter((r: string) => r !== callRoom(callId));
      await this.broadcastPresence(callId);
      return { callId };
    });
  }

  async handleDisconnect(socket: Socket): Promise<void> {
    if (this.shuttingDown) return;
    const rooms: string[] = socket.data?.callRooms ?? [];
    for (const room of rooms) await this.broadcastPresence(room.slice('call:'.length)).catch(() => undefined);
  }

  private async presence(callId: string, call: { freelancerId: string; talentManagerId: string }) {
    const sockets = await this.server.in(callRoom(callId)).fetchSockets();
    const ids = new Set(sockets.map((s) => (s.data as { user?: { id: string } }).user?.id));
    return { freelancer: ids.has(call.freelancerId), talentManager: ids.has(call.talentManagerId) };
  }

  private async state(call: Parameters<typeof toCallView>[0]) {
    const view = toCallView(call);
    return { call: view, present: await this.presence(call.id, call) };
  }

  private async broadcastPresence(callId: string): Promise<void> {
    const call = await this.room.find(callId);
    if (!call) return;
    this.server.to(callRoom(callId)).emit('call:state', await this.state(call));
  }
}
