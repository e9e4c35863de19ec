import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpException } from '@nestjs/common';
import { IsOptional, validateSync } from 'class-validator';
import type { Request, Response } from 'express';
import { bodyDepthLimit, nestedDeeperThan, requireJsonContentType, requireObjectBody } from './body-limits';
import { FreeFormLimits } from './fields';

/** `levels` arrays inside each other, built without recursion. */
function nestedArrays(levels: number): unknown {
  let v: unknown[] = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
}

describe('nestedDeeperThan', () => {
  const cases: [string, unknown, number, boolean][] = [
    ['a number', 5, 0, false],
    ['null', null, 0, false],
    ['a string', 'deep', 1, false],
    ['an empty object at the limit', {}, 1, false],
    ['an empty object past the limit', {}, 0, true],
    ['two levels within 2', { a: [1, 2] }, 2, false],
    ['three levels within 2', { a: [{}] }, 2, true],
    ['a deep branch beside a shallow one', { a: 1, b: { c: { d: {} } } }, 3, true],
    ['32 levels within 32', nestedArrays(32), 32, false],
    ['33 levels within 32', nestedArrays(33), 32, true],
  ];
  for (const [name, value, max, expected] of cases) {
    it(`${name}: ${expected ? 'too deep' : 'fine'}`, () => assert.equal(nestedDeeperThan(value, max), expected));
  }

  it('walks a million levels without overflowing the stack', () => {
    assert.equal(nestedDeeperThan(nestedArrays(1_000_000), 32), true);
  });

  it('stops on a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    assert.equal(nestedDeeperThan(a, 32), true);
  });
});

function fakeRequest(method: string, headers: Record<string, string>, body?: unknown): Request {
  const type = headers['content-type'] ?? '';
  // stands in for express's req.is, which type-is answers from the Content-Type header
  return { method, headers, body, is: (t: string) => (type.split(';')[0].trim() === t ? t : false) } as unknown as Request;
}

function run(mw: (req: Request, res: Response, next: (e?: unknown) => void) => void, req: Request): unknown {
  let passed: unknown = 'not called';
  mw(req, {} as Response, (e?: unknown) => (passed = e));
  return passed;
}

describe('requireJsonContentType', () => {
  const json = { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' };
  const pass: [string, Request][] = [
    ['a JSON write', fakeRequest('POST', json)],
    ['a write without a body', fakeRequest('POST', {})],
    ['a write with Content-Length 0 and a form type', fakeRequest('POST', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '0' })],
    ['a GET', fakeRequest('GET', { 'content-type': 'text/plain', 'content-length': '5' })],
  ];
  for (const [name, req] of pass) it(`lets ${name} through`, () => assert.equal(run(requireJsonContentType, req), undefined));

  const refuse: [string, Request, RegExp][] = [
    ['a form (curl -d)', fakeRequest('POST', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '9' }), /got "application\/x-www-form-urlencoded"/],
    ['text/plain on PUT', fakeRequest('PUT', { 'content-type': 'text/plain', 'content-length': '9' }), /got "text\/plain"/],
    ['no type on a chunked PATCH', fakeRequest('PATCH', { 'transfer-encoding': 'chunked' }), /got no Content-Type header/],
  ];
  for (const [name, req, detail] of refuse) {
    it(`refuses ${name} with a 415 naming the header`, () => {
      const e = run(requireJsonContentType, req);
      assert.ok(e instanceof HttpException);
      assert.equal(e.getStatus(), 415);
      assert.match(e.message, /Content-Type: application\/json is required/);
      assert.match(e.message, detail);
    });
  }
});

describe('bodyDepthLimit', () => {
  it('passes a body within the limit and refuses a deeper one with a 400 naming the rule', () => {
    assert.equal(run(bodyDepthLimit(32), fakeRequest('POST', {}, { messages: nestedArrays(31) })), undefined);
    const e = run(bodyDepthLimit(32), fakeRequest('POST', {}, { messages: nestedArrays(1500) }));
    assert.ok(e instanceof HttpException);
    assert.equal(e.getStatus(), 400);
    assert.match(e.message, /request body is nested deeper than 32 levels/);
  });
});

describe('requireObjectBody', () => {
  it('passes an object body and a read, and refuses an array body with a 400 naming the rule', () => {
    assert.equal(run(requireObjectBody, fakeRequest('POST', {}, { a: 1 })), undefined);
    assert.equal(run(requireObjectBody, fakeRequest('GET', {}, [1])), undefined);
    const e = run(requireObjectBody, fakeRequest('PUT', {}, [{ name: 'x' }]));
    assert.ok(e instanceof HttpException);
    assert.equal(e.getStatus(), 400);
    assert.match(e.message, /request body must be a JSON object, not an array/);
  });
});

describe('FreeFormLimits', () => {
  class Dto {
    @IsOptional() @FreeFormLimits()
    config?: unknown;
  }
  const check = (config: unknown) => {
    const dto = Object.assign(new Dto(), { config });
    return validateSync(dto).flatMap((e) => Object.entries(e.constraints ?? {}).map(([rule, message]) => `${e.property} ${rule}: ${message}`));
  };
  let deep: Record<string, unknown> = {};
  for (let i = 1; i < 20; i++) deep = { a: deep };

  it('accepts 8 levels', () => assert.deepEqual(check(nestedArrays(8)), []));
  it('refuses 20 levels, naming the field and the rule', () => assert.deepEqual(check(deep), ['config maxDepth: config must not be nested deeper than 8 levels']));
  it('refuses more than 16 KB', () => assert.deepEqual(check({ x: 'y'.repeat(16 * 1024) }), ['config maxJsonBytes: config must be at most 16384 bytes as JSON']));
});
