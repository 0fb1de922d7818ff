import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { toErrorBody } from './error-mapping';
import { RETRY_AFTER_SECONDS } from '../dependencies/dependency-errors';

/** The one HTTP error shape: {statusCode, code, message, details?}; 5xx are logged with the request id. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse();
    const req = ctx.getRequest();
    const { body, fault } = toErrorBody(exception);
    if (fault) {
      this.logger.error({ err: exception, requestId: req?.id, path: req?.url }, 'Unhandled fault');
    }
    if (res.headersSent) return;
    // A rate limit says when to come back, in the header clients and proxies know.
    const retryAfter = body.statusCode === 429 ? body.details?.retryAfter : undefined;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    if (body.statusCode === 503 && !res.getHeader?.('retry-after'))
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(body.statusCode).json({ ...body, ...(fault && req?.id ? { requestId: String(req.id) } : {}) });
  }
}
