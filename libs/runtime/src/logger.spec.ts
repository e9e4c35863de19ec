import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '#config';
import { prettifyLines, quietFrameworkStartup, requestLogLevel, requestLogLevelAt, requestLogMessages, resolveLogFormat, withLogDestination } from './logger';
import { framedBlock, startBanner } from './banner';

describe('log format', () => {
  it('is readable on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    assert.equal(resolveLogFormat(undefined, true), 'pretty');
    assert.equal(resolveLogFormat('auto', true), 'pretty');
    assert.equal(resolveLogFormat('auto', false), 'json');
    assert.equal(resolveLogFormat('json', true), 'json');
    assert.equal(resolveLogFormat('pretty', false), 'pretty');
  });

  it('is a validated setting', () => {
    assert.equal(loadConfig({}).log.format, 'auto');
    assert.equal(loadConfig({ LOG_FORMAT: 'json' }).log.format, 'json');
    assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT="xml"/);
  });

  it('gives nestjs-pino a stream only for readable output', () => {
    const opts = { level: 'info' };
    assert.equal(withLogDestination(opts, 'json'), opts);
    const pretty = withLogDestination(opts, 'pretty');
    assert.ok(Array.isArray(pretty) && pretty[0] === opts && typeof pretty[1].write === 'function');
  });

  it('makes JSON lines readable and passes other lines unchanged', async () => {
    const src = new PassThrough();
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    prettifyLines(src, out, 'worker');
    src.write(`${JSON.stringify({ level: 40, time: Date.now(), context: 'Jobs', msg: 'job failed' })}\n`);
    src.end('+----+\n|  key |\n');
    await new Promise((r) => setImmediate(r));
    assert.match(text, /WARN \(worker\): \[Jobs\] job failed/);
    assert.ok(!text.includes('"level"'));
    assert.match(text, /\+----\+\n\|  key \|\n/);
  });
});

describe('Nest start-up lines', () => {
  it('go to debug for modules and routes; other info lines stay at info', () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(JSON.parse(chunk.toString())), cb()) });
    const log = pino({ level: 'debug', hooks: quietFrameworkStartup }, sink);
    log.info({ context: 'RouterExplorer' }, 'Mapped {/health, GET} route');
    log.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    log.info({ context: 'BlueprintSync' }, 'marketing-v1.yaml: created');
    log.info('plain');
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
      [20, 'Mapped {/health, GET} route'],
      [20, 'AppModule dependencies initialized'],
      [30, 'marketing-v1.yaml: created'],
      [30, 'plain'],
    ]);
  });
});

describe('request log level', () => {
  const at = (statusCode: number, err?: Error) => requestLogLevel({} as IncomingMessage, { statusCode } as ServerResponse, err);
  it('puts successful requests at debug, client errors at warn and server errors at error', () => {
    assert.equal(at(200), 'debug');
    assert.equal(at(304), 'debug');
    assert.equal(at(404), 'warn');
    assert.equal(at(429), 'warn');
    assert.equal(at(500), 'error');
    assert.equal(at(200, new Error('x')), 'error');
  });

  it('answers silent for lines below the logger level, so pino-http skips building them', () => {
    const res = (statusCode: number) => ({ statusCode }) as ServerResponse;
    const req = {} as IncomingMessage;
    assert.equal(requestLogLevelAt('info')(req, res(200)), 'silent');
    assert.equal(requestLogLevelAt('info')(req, res(404)), 'warn');
    assert.equal(requestLogLevelAt('debug')(req, res(200)), 'debug');
    assert.equal(requestLogLevelAt('error')(req, res(404)), 'silent');
    assert.equal(requestLogLevelAt('error')(req, res(503)), 'error');
    assert.equal(requestLogLevelAt('silent')(req, res(503)), 'silent');
  });

  it('says method, path, status and time in the message', () => {
    const req = { method: 'GET', url: '/api/clusters' } as IncomingMessage;
    assert.equal(requestLogMessages.customSuccessMessage(req, { statusCode: 200 } as ServerResponse, 12.4), 'GET /api/clusters 200 12 ms');
  });
});

describe('start-up banner', () => {
  it('frames every line at one width', () => {
    const lines = framedBlock(['short', 'a much longer line than the first one'], 10).trim().split('\n');
    assert.equal(new Set(lines.map((l) => l.length)).size, 1);
    assert.match(lines[0], /^\+-+\+$/);
    assert.match(lines[1], /^\|  short +\|$/);
  });

  it('shows the API, Swagger, console and job board URLs, and the first admin key only when there is one', () => {
    const withKey = startBanner({ baseUrl: 'http://localhost:3000', queueBackend: 'redis', firstAdminKey: 'brn_abc' });
    assert.match(withKey, /API +http:\/\/localhost:3000\/api /);
    assert.match(withKey, /Swagger UI +http:\/\/localhost:3000\/api\/docs /);
    assert.match(withKey, /Console +http:\/\/localhost:3000\/console /);
    assert.match(withKey, /Job board +http:\/\/localhost:3000\/admin\/queues /);
    assert.match(withKey, /First admin API key[^\n]*\n\|\s+brn_abc\s+\|/);
    assert.doesNotMatch(startBanner({ baseUrl: 'http://localhost:3000', queueBackend: 'redis', firstAdminKey: null }), /First admin|brn_/);
  });
});
