import { invalidField as invalid } from '../domain/assessments.errors';

export function uuidField(body: unknown, field: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof v !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
    throw invalid(field, 'must be a UUID');
  return v;
}

export function stringField(body: unknown, field: string, max: number, optional = false): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.trim() === '' || v.length > max)
    throw invalid(field, `must be a non-empty string of at most ${max} characters`);
  return v.trim();
}

export function objectField(body: unknown, field: string, optional = false): Record<string, unknown> {
  const v = (body as Record<string, unknown> | undefined)?.[field];
  if (v === undefined && optional) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid(field, 'must be an object');
  return v as Record<string, unknown>;
}
