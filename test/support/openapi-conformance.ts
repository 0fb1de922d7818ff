import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, any>;

/**
 * A small JSON-schema check of an answer against the OpenAPI document (type, required, properties, nullable,
 * enum, format date-time/uuid, items, $ref, oneOf, allOf): enough to prove the documented shapes are the real ones.
 * Undocumented properties are problems too, so a field added to an answer must be added to its DTO.
 */
export function schemaProblems(doc: OpenAPIObject, schema: Schema | undefined, value: unknown, path = '$'): string[] {
  if (!schema) return [`${path}: no schema`];
  if (schema.$ref) return schemaProblems(doc, resolve(doc, schema.$ref), value, path);
  if (value === null) return schema.nullable ? [] : [`${path}: null but not nullable`];
  if (schema.allOf)
    return schema.allOf.flatMap((s: Schema) =>
      schemaProblems(doc, s, value, path).filter((p) => !p.includes('undocumented')),
    );
  if (schema.oneOf) {
    const fits = schema.oneOf.filter((s: Schema) => schemaProblems(doc, s, value, path).length === 0);
    return fits.length === 1 ? [] : [`${path}: matches ${fits.length} of oneOf`];
  }
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected string, got ${JSON.stringify(value)}`];
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${path}: not a date-time`);
      if (schema.format === 'uuid' && !/^[0-9a-f-]{36}$/i.test(value)) problems.push(`${path}: not a uuid`);
      return problems;
    case 'number':
    case 'integer':
      return typeof value === 'number' ? problems : [`${path}: expected number, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? problems : [`${path}: expected boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected array`];
      return value.flatMap((v, i) => schemaProblems(doc, schema.items, v, `${path}[${i}]`));
    case 'object':
    case undefined: {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected object`];
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in obj)) problems.push(`${path}.${key}: required but missing`);
      for (const [key, v] of Object.entries(obj)) {
        if (v === undefined) continue;
        const prop = schema.properties?.[key];
        if (prop) problems.push(...schemaProblems(doc, prop, v, `${path}.${key}`));
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
          problems.push(...schemaProblems(doc, schema.additionalProperties, v, `${path}.${key}`));
        else if (!schema.additionalProperties) problems.push(`${path}.${key}: undocumented property`);
      }
      return problems;
    }
    default:
      return problems;
  }
}

function resolve(doc: OpenAPIObject, ref: string): Schema {
  return (doc.components!.schemas as Record<string, Schema>)[ref.replace('#/components/schemas/', '')];
}

/** The documented schema of an operation's answer with this status. */
export function responseSchema(doc: OpenAPIObject, method: string, path: string, status: number): Schema | undefined {
  const op = (doc.paths[path] as Record<string, any> | undefined)?.[method.toLowerCase()];
  return op?.responses?.[String(status)]?.content?.['application/json']?.schema;
}
