import type { Response } from 'express';

/**
 * Streams events as server-sent events. The first event is awaited before any header is sent, so
 * a provider that is down still gets a normal JSON error (503/504); later failures end the stream
 * with an `error` event.
 */
export async function sendSse<T>(res: Response, events: AsyncIterable<T>, write: (res: Response, e: T) => void, onError: (res: Response, err: unknown) => void): Promise<void> {
  const it = events[Symbol.asyncIterator]();
  let first = await it.next();
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  try {
    while (!first.done) {
      write(res, first.value);
      first = await it.next();
    }
  } catch (e) {
    onError(res, e);
  }
  res.end();
}

export const sseEvent = (res: Response, event: string | null, data: unknown) =>
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
