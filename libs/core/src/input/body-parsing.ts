import { Logger } from '@nestjs/common';
import { json, NextFunction, Request, RequestHandler, Response, urlencoded } from 'express';
import type { ErrorBody } from '../errors/error-body';
import { toErrorBody } from '../errors/error-mapping';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_JSON_VALUES, jsonShapeProblem } from './input-rules';

const refused = (statusCode: number, code: string, message: string): ErrorBody => ({ statusCode, code, message });

/** A failure while reading or parsing a request body → its public answer; `fault` only for our own bugs. */
export function bodyErrorToBody(err: unknown, contentEncoding?: string): { body: ErrorBody; fault: boolean } {
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; code?: unknown } | undefined;
  const status =
    typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  switch (e?.type) {
    case 'entity.parse.failed':
      return { body: refused(400, 'MALFORMED_JSON', 'The request body is not valid JSON'), fault: false };
    case 'entity.too.deep':
      return {
        body: refused(400, 'PAYLOAD_TOO_DEEP', `The request body nests deeper than ${MAX_JSON_DEPTH} levels`),
        fault: false,
      };
    case 'entity.too.many.values':
      return {
        body: refused(413, 'PAYLOAD_TOO_LARGE', `The request body holds more than ${MAX_JSON_VALUES} values`),
        fault: false,
      };
    case 'entity.too.large':
      return {
        body: refused(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes`),
        fault: false,
      };
    case 'encoding.unsupported':
      return {
        body: refused(415, 'UNSUPPORTED_MEDIA_TYPE', 'This content-encoding is not supported (gzip, deflate, br)'),
        fault: false,
      };
    case 'charset.unsupported':
      return { body: refused(415, 'UNSUPPORTED_MEDIA_TYPE', 'This charset is not supported (utf-8)'), fault: false };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // zlib/brotli stream errors arrive as a plain 400 (raw-body wraps them without a type)
    const encoded = !!contentEncoding && contentEncoding.toLowerCase() !== 'identity';
    if (encoded || (typeof e?.code === 'string' && /^(Z_|ERR_BROTLI|ERR__)/.test(e.code))) {
      return { body: refused(400, 'MALFORMED_BODY', 'The request body could not be decompressed'), fault: false };
    }
    return {
      body: refused(status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_BODY', 'The request body was refused'),
      fault: false,
    };
  }
  return toErrorBody(err);
}

function verifyJson(_req: Request, _res: Response, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
    throw Object.assign(new Error(`charset ${encoding} not supported`), { status: 415, type: 'charset.unsupported' });
  }
  // JSON.parse handles any depth, but every recursive walk after it (class-transformer, validators) does
  // not; and the walks' cost grows with the number of values.
  const problem = jsonShapeProblem(buf);
  if (problem === 'too-deep') {
    throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH}`), {
      status: 400,
      type: 'entity.too.deep',
    });
  }
  if (problem === 'too-many-values') {
    throw Object.assign(new Error(`JSON with more than ${MAX_JSON_VALUES} values`), {
      status: 413,
      type: 'entity.too.many.values',
    });
  }
}

/**
 * The api's body parsers (JSON, urlencoded; gzip/deflate/br inflated within the same size limit) and the
 * error handler right behind them: every refused body is a 4xx with a stable code, logged at warn.
 */
export function bodyParsing(): RequestHandler[] {
  const logger = new Logger('Input');
  const handler = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const { body, fault } = bodyErrorToBody(err, req.headers['content-encoding']);
    const info = {
      code: body.code,
      status: body.statusCode,
      method: req.method,
      path: req.path,
      requestId: (req as { id?: unknown }).id,
      reason: (err as Error)?.message,
    };
    if (fault) logger.error({ ...info, err }, 'Request body fault');
    else logger.warn(info, `Request body refused: ${body.code}`);
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  };
  return [
    json({ limit: MAX_BODY_BYTES, verify: verifyJson }) as RequestHandler,
    urlencoded({ extended: false, limit: MAX_BODY_BYTES, parameterLimit: 200 }) as RequestHandler,
    handler as unknown as RequestHandler,
  ];
}
