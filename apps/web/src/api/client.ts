import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** An api refusal: the stable `code` and the human `message` the pages show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'vetting.token';
let token: string | null = localStorage.getItem(TOKEN_KEY);
const listeners = new Set<() => void>();

export const getToken = () => token;
export function setToken(next: string | null): void {
  token = next;
  if (next) localStorage.setItem(TOKEN_KEY, next);
  else localStorage.removeItem(TOKEN_KEY);
  listeners.forEach((l) => l());
}
export function onTokenChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Typed over the api's OpenAPI document (`schema.d.ts`). */
export const api = createClient<paths>({ baseUrl: '' });
api.use({
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && token && !response.url.endsWith('/api/auth/login')) setToken(null);
    return response;
  },
});

type Answer = { data?: unknown; error?: unknown; response: Response };

function toApiError(error: unknown, response: Response): ApiError {
  const body = (error ?? {}) as { code?: string; message?: string | string[]; details?: Record<string, unknown> };
  const message = Array.isArray(body.message)
    ? body.message.join('; ')
    : (body.message ?? `The server answered ${response.status} ${response.statusText}`);
  return new ApiError(response.status, body.code ?? 'HTTP_' + response.status, message, body.details);
}

/** Awaits an openapi-fetch call: its data, or an `ApiError` carrying the api's message. */
export async function unwrap<T>(call: Promise<Answer>): Promise<T> {
  let answer: Answer;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection and try again.');
  }
  if (!answer.response.ok) throw toApiError(answer.error, answer.response);
  return answer.data as T;
}

/** Downloads an authenticated file (e.g. the call's `.ics`) through a temporary link. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw toApiError(body, res);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
