import { toErrorBody } from '@vetting/core';
import { Logger } from '@nestjs/common';

export type Ack<T extends object> =
  ({ ok: true } & T) | { ok: false; code: string; message: string; details?: unknown };

const logger = new Logger('Live');

/** Runs a socket handler and turns its outcome into the acknowledgement shape. */
export async function ack<T extends object>(fn: () => Promise<T>): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (err) {
    const { body, fault } = toErrorBody(err);
    if (fault) logger.error({ err }, 'socket handler fault');
    return { ok: false, code: body.code, message: body.message, ...(body.details ? { details: body.details } : {}) };
  }
}
