import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedSerial } from './keyed-serial';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedSerial', () => {
  it('runs the calls of one key one at a time, in call order', async () => {
    const s = new KeyedSerial();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const job = (name: string, ms: number) =>
      s.run('a', async () => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${name}`);
        await tick(ms);
        log.push(`end ${name}`);
        running--;
        return name;
      });
    const results = await Promise.all([job('1', 20), job('2', 5), job('3', 1)]);
    assert.deepEqual(results, ['1', '2', '3']);
    assert.equal(most, 1);
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    assert.equal(s.size, 0, 'the key is forgotten once idle');
  });

  it('runs different keys side by side', async () => {
    const s = new KeyedSerial();
    let running = 0;
    let most = 0;
    const job = (key: string) =>
      s.run(key, async () => {
        running++;
        most = Math.max(most, running);
        await tick(10);
        running--;
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    assert.equal(most, 3);
  });

  it('passes a failure to its caller only, and goes on with the next call', async () => {
    const s = new KeyedSerial();
    const failed = s.run('a', async () => {
      throw new Error('boom');
    });
    const next = s.run('a', async () => 'next');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'next');
  });
});
