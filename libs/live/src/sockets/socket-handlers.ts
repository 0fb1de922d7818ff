import { Logger } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Socket } from 'socket.io';

/** What Nest hands a WebSocket adapter for each `@SubscribeMessage` of a gateway, per connected socket. */
export interface MessageHandler {
  message: string;
  callback: (...args: unknown[]) => unknown;
  isAckHandledManually?: boolean;
}

const logger = new Logger('Live');

/**
 * Nest's `IoAdapter.bindMessageHandlers`, without a standing RxJS pipeline per handler and socket.
 *
 * Nest's own version subscribes, for every socket, one `fromEvent → mergeMap → takeUntil(disconnect)` chain
 * per `@SubscribeMessage` handler of every gateway on the namespace (a dozen on `/live`): about 40 KiB of
 * subscribers, closures and contexts per connected socket that live as long as the socket, most of the
 * api's memory per socket, and heap the collector walks on every major collection. Here each handler is a
 * plain listener; a message's result still goes through Nest's `transform` (guards, pipes, filters have run
 * in `callback`), only while the message is handled. Same answers: a `{ event, data }` result is emitted as
 * that event, any other non-nil result is the acknowledgement (unless the handler acks itself), nothing once
 * the socket has disconnected. A handler that fails answers nothing for that message and keeps handling the
 * next ones (Nest's chain would stop listening to that event on that socket).
 */
export function bindMessageHandlers(
  socket: Socket,
  handlers: MessageHandler[],
  transform: (data: unknown) => Observable<unknown>,
  mapPayload: (payload: unknown) => { data?: unknown; ack?: unknown },
): void {
  for (const { message, callback, isAckHandledManually } of handlers) {
    socket.on(message, (...args: unknown[]) => {
      // What `fromEvent` would have emitted: the only argument, or all of them.
      const { data, ack } = mapPayload(args.length > 1 ? args : args[0]);
      transform(callback(data, ack)).subscribe({
        next: (response: any) => {
          if (response === null || response === undefined || socket.disconnected) return;
          if (response.event) {
            socket.emit(response.event, response.data);
            return;
          }
          if (!isAckHandledManually && typeof ack === 'function') ack(response);
        },
        error: (err: unknown) => logger.error({ err, event: message }, 'socket handler fault'),
      });
    });
  }
}
