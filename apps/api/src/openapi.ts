import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, ErrorBody } from '@vetting/core';
import { AppModule } from './app.module';

/** The api's OpenAPI document: served at /api/docs-json and the source of the web app's types (`npm run api:types`). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Vetting platform API')
      .setDescription(
        'Invitations, vetting calls, proctored assessments, credentials and notifications. Socket.IO namespace: /live. ' +
          'Every error answer is an ErrorBody {statusCode, code, message, details?}.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
    // Operation ids are set on each handler (bookCall, rescheduleCall ...); this keeps any other one readable.
    { operationIdFactory: (_controller, method) => method, extraModels: [ErrorBody] },
  );
  // Every `:id` in a path is a UUID (parseId answers 404 for anything else).
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      for (const p of op.parameters ?? []) {
        if ('in' in p && p.in === 'path' && p.name === 'id' && p.schema && 'type' in p.schema)
          p.schema = { type: 'string', format: 'uuid' };
      }
    }
  }
  return doc;
}

/**
 * Builds the document without a database, Redis or a listening port: Nest's preview mode scans the modules and
 * controllers but instantiates no provider.
 */
export async function openApiDocumentInProcess(): Promise<OpenAPIObject> {
  const config = AppConfig.fromEnv({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgresql://openapi@127.0.0.1:1/openapi',
    JWT_SECRET: 'openapi-document-only-openapi-document-only',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.forRoot({ config, withWorker: false }), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
