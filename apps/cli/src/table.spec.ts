import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clean, num, renderKeyValues, renderTable, shortTime } from './table';

describe('renderTable', () => {
  it('aligns columns to their widest cell, two spaces apart, without trailing spaces', () => {
    const out = renderTable([{ header: 'ID' }, { header: 'STATUS' }, { header: 'WORKERS', align: 'right' }], [
      ['a1', 'active', '3/3'],
      ['b22222', 'scaling_up', '10/12'],
    ]);
    assert.equal(out, ['ID      STATUS      WORKERS', 'a1      active          3/3', 'b22222  scaling_up    10/12', ''].join('\n'));
  });

  it('prints null and undefined as -', () => {
    assert.equal(renderTable([{ header: 'A' }, { header: 'B' }], [[null, undefined]]), 'A  B\n-  -\n');
  });

  it('cuts long cells with an ellipsis', () => {
    assert.equal(renderTable([{ header: 'NAME', max: 5 }, { header: 'X' }], [['abcdefgh', 'y']]), 'NAME   X\nabcd…  y\n');
  });

  it('renders only the header for no rows', () => {
    assert.equal(renderTable([{ header: 'ID' }, { header: 'NAME' }], []), 'ID  NAME\n');
  });

  it('keeps control characters and escapes from the data out of the terminal', () => {
    const out = renderTable([{ header: 'NAME' }], [['evil\x1b[31mred\nline']]);
    assert.doesNotMatch(out, /\x1b/);
    assert.equal(out.split('\n').length, 3);
  });
});

describe('renderKeyValues', () => {
  it('aligns the values and leaves out undefined ones', () => {
    assert.equal(renderKeyValues([['id', 'x'], ['status', 'active'], ['skipped', undefined], ['reason', null]]), 'id:      x\nstatus:  active\nreason:  -\n');
  });
});

describe('formatters', () => {
  it('shortTime', () => {
    assert.equal(shortTime('2026-01-02T03:04:05.678Z'), '2026-01-02 03:04:05');
    assert.equal(shortTime(null), '-');
  });
  it('num', () => {
    assert.equal(num(1.2345), '1.23');
    assert.equal(num(2), '2');
    assert.equal(num(null), '-');
    assert.equal(num(12.96, 0), '13');
  });
  it('clean', () => {
    assert.equal(clean('a\tb'), 'a b');
    assert.equal(clean(0), '0');
  });
});
