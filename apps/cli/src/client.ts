// The api over HTTP with node's own fetch. Every failure becomes a CliError with its exit code:
// 4xx → 1 with the api's message (and each problem it lists), unreachable / 5xx / not JSON → 3.
import { CliError, ExitCode } from './errors';

// The api's answers are printed or read field by field; typing every shape here would duplicate
// the api's DTOs, which the CLI must not import.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const REQUEST_TIMEOUT_MS = 30_000;

export interface ApiErrorBody {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: { problems?: { path: string; rule?: string; message: string }[] };
  correlation_id?: string;
}

/** The lines printed for a refused request: each problem with its path, then the correlation id. */
export function errorLines(body: ApiErrorBody | null): string[] {
  const lines = (body?.details?.problems ?? []).map((p) => `  ${p.path || '(document)'}: ${p.message}${p.rule ? ` (${p.rule})` : ''}`);
  if (body?.correlation_id) lines.push(`correlation id: ${body.correlation_id}`);
  return lines;
}

export class ApiClient {
  constructor(
    readonly base: string,
    private readonly token?: string,
  ) {}

  get<T = Json>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = Json>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T = Json>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (e) {
      throw new CliError(ExitCode.Unavailable, `cannot reach the api at ${this.base}: ${describeFetchError(e)}`);
    }
    let json: Json = null;
    let isJson = false;
    if (text) {
      try {
        json = JSON.parse(text);
        isJson = true;
      } catch {
        // not JSON: handled below
      }
    }
    const where = `${method} ${path}`;
    if (res.status >= 500) {
      const msg = isJson && typeof json?.message === 'string' ? json.message : text.slice(0, 200) || res.statusText;
      throw new CliError(ExitCode.Unavailable, `the api failed (${res.status}) on ${where}: ${msg}`, isJson ? errorLines(json) : []);
    }
    if (res.status >= 400) {
      const msg = isJson && typeof json?.message === 'string' ? json.message : text.slice(0, 200) || res.statusText;
      throw new CliError(ExitCode.Refused, `${res.status} ${msg}`, isJson ? errorLines(json) : []);
    }
    if (text && !isJson) throw new CliError(ExitCode.Unavailable, `${this.base} answered ${where} with something that is not JSON: is it the BRAiN api?`);
    return json as T;
  }
}

/** fetch() wraps the interesting part (ECONNREFUSED, ENOTFOUND, a timeout) in `cause`. */
export function describeFetchError(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  if (err?.cause?.code) return err.cause.message ? `${err.cause.code} (${err.cause.message})` : err.cause.code;
  return err?.cause?.message ?? err?.message ?? String(e);
}
