// The baselines the api is measured against, each run as a process of its own like the api:
//   node dist/bench/servers.js http   a bare node:http server (the ceiling of machine, client and loopback)
//   node dist/bench/servers.js nest   a bare Nest + express app, nothing but one controller
// Both answer GET /api/clusters/:id with BENCH_JSON (the api's own answer for a cluster, from memory)
// and GET /health with {"status":"ok"}, on 127.0.0.1 and a free port, and print `listening <port>`.
import 'reflect-metadata';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';

const json = process.env.BENCH_JSON ?? '{"status":"ok"}';
const answer: unknown = JSON.parse(json);

@Controller()
class BareController {
  @Get('api/clusters/:id')
  cluster(@Param('id') _id: string): unknown {
    return answer;
  }

  @Get('health')
  health(): unknown {
    return { status: 'ok' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function nest(): Promise<number> {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

function bare(): Promise<number> {
  const body = Buffer.from(json);
  const ok = Buffer.from('{"status":"ok"}');
  const server = http.createServer((req, res) => {
    const b = req.url === '/health' ? ok : body;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': b.length });
    res.end(b);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const mode = process.argv[2];
if (mode !== 'http' && mode !== 'nest') {
  process.stderr.write('usage: node dist/bench/servers.js http|nest\n');
  process.exit(64);
}
(mode === 'nest' ? nest() : bare()).then(
  (port) => process.stdout.write(`listening ${port}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
process.once('SIGTERM', () => process.exit(0));
