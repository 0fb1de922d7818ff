import { Injectable } from '@nestjs/common';
import { AppConfig } from '@vetting/core';
import { IceServer, iceServersFor } from './turn-credentials';

/** What a join ack carries for WebRTC: the ICE servers (TURN credentials expire when the room closes) and the transport policy. */
export interface MediaJoinInfo {
  iceServers: IceServer[];
  iceTransportPolicy: 'all' | 'relay';
}

/**
 * The peer-to-peer media provider's configuration side: ICE servers from RTC_ICE_SERVERS, and TURN servers
 * (TURN_URLS) with credentials minted per user and room from TURN_SECRET. An SFU provider would hand out
 * its own room token here instead; the join acks' shape stays.
 */
@Injectable()
export class IceServers {
  constructor(private readonly config: AppConfig) {}

  forRoom(userId: string, roomClosesAt: Date): MediaJoinInfo {
    const env = this.config.env;
    return {
      iceServers: iceServersFor(
        { servers: env.RTC_ICE_SERVERS, turnUrls: env.TURN_URLS, turnSecret: env.TURN_SECRET },
        userId,
        roomClosesAt,
      ),
      iceTransportPolicy: env.RTC_ICE_TRANSPORT_POLICY,
    };
  }
}
