import { readFileSync } from 'node:fs';
import type { OpenAPIObject } from '@nestjs/swagger';
import { API_TYPES_FILE, renderApiTypes } from '../../../scripts/api-types';
import { openApiDocumentInProcess } from './openapi';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Operations that cannot answer a 4xx (public, no input): they still document their 5xx with ErrorBody. */
const NO_CLIENT_ERRORS = ['listCategories', 'getHealth'];

let doc: OpenAPIObject;
beforeAll(async () => {
  doc = await openApiDocumentInProcess();
});

function operations(): { key: string; op: Json }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Json)[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, op: (item as Json)[m] })),
  );
}

const refersToErrorBody = (response: Json) =>
  response?.content?.['application/json']?.schema?.$ref === '#/components/schemas/ErrorBody';

describe('OpenAPI document', () => {
  it('has the shared ErrorBody schema', () => {
    const schema = doc.components!.schemas!.ErrorBody as Json;
    expect(schema.required).toEqual(expect.arrayContaining(['statusCode', 'code', 'message']));
    expect(Object.keys(schema.properties)).toEqual(['statusCode', 'code', 'message', 'details']);
  });

  it('names every operation with a unique camelCase operationId', () => {
    const ids = operations().map(({ key, op }) => [key, op.operationId]);
    const bad = ids.filter(([, id]) => typeof id !== 'string' || !/^[a-z][a-zA-Z]+$/.test(id));
    expect(bad).toEqual([]);
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(61);
  });

  it('documents a 2xx body with a schema for every operation (or text/calendar, or 204 No Content)', () => {
    const missing = operations()
      .filter(({ op }) => {
        const ok = Object.entries(op.responses as Json).filter(([status]) => /^2\d\d$/.test(status));
        if (ok.length !== 1) return true;
        if (ok[0][0] === '204') return Boolean((ok[0][1] as Json).content); // no content: nothing to describe
        const content = (ok[0][1] as Json).content ?? {};
        const schema = content['application/json']?.schema ?? content['text/calendar']?.schema;
        return !schema || (!schema.$ref && !schema.type);
      })
      .map(({ key }) => key);
    expect(missing).toEqual([]);
  });

  it('documents at least one 4xx with ErrorBody for every operation (a 5xx for the few that cannot fail with a 4xx)', () => {
    const missing = operations()
      .filter(({ op }) => {
        const errors = Object.entries(op.responses as Json).filter(
          ([status, r]) => /^[45]\d\d$/.test(status) && refersToErrorBody(r),
        );
        const clientErrors = errors.filter(([status]) => status.startsWith('4'));
        return NO_CLIENT_ERRORS.includes(op.operationId) ? errors.length === 0 : clientErrors.length === 0;
      })
      .map(({ key }) => key);
    expect(missing).toEqual([]);
  });

  it('documents 401 on every operation that needs a token', () => {
    const open = ['register', 'login', 'listCategories', 'getHealth'];
    const missing = operations()
      .filter(({ op }) => !open.includes(op.operationId) && !refersToErrorBody(op.responses['401']))
      .map(({ key }) => key);
    expect(missing).toEqual([]);
  });

  it('gives every component schema its fields (no empty classes)', () => {
    const empty = Object.entries(doc.components!.schemas!)
      .filter(([, s]) => (s as Json).type === 'object' && !(s as Json).properties && !(s as Json).additionalProperties)
      .map(([name]) => name);
    expect(empty).toEqual([]);
  });

  it('documents request bodies with a schema', () => {
    const missing = operations()
      .filter(({ op }) => op.requestBody && !op.requestBody.content?.['application/json']?.schema?.$ref)
      .map(({ key }) => key);
    expect(missing).toEqual([]);
  });
});

describe('apps/web/src/api/schema.d.ts', () => {
  it('matches the document (run `npm run api:types` after changing the api)', async () => {
    const fresh = renderApiTypes(doc);
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    if (committed !== fresh) {
      throw new Error('apps/web/src/api/schema.d.ts is stale: run `npm run api:types` and commit the result');
    }
  });
});
