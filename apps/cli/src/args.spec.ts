import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, DEFAULT_URL, parseCommandLine, Parsed, resolveConfig, timeoutSeconds } from './args';
import { ExitCode, UsageError } from './errors';

type Run = Extract<Parsed, { kind: 'run' }>;

function runOf(argv: string[], env: Record<string, string> = {}): Run {
  const p = parseCommandLine(argv, env);
  assert.equal(p.kind, 'run');
  return p as Run;
}

function usageError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseCommandLine(argv, {}),
    (e: unknown) => e instanceof UsageError && e.exitCode === ExitCode.Usage && pattern.test(e.message),
    `${argv.join(' ')} → usage error ${pattern}`,
  );
}

describe('parseCommandLine: commands and arguments', () => {
  it('finds the command and names its positional arguments', () => {
    const r = runOf(['clusters', 'scale', 'abc', '10', '--wait']);
    assert.equal(r.command.group, 'clusters');
    assert.equal(r.command.name, 'scale');
    assert.deepEqual(r.args, { ID: 'abc', N: '10' });
    assert.equal(r.options.wait, true);
  });

  it('accepts options before, between and after the positional arguments', () => {
    const r = runOf(['--json', 'tasks', 'submit', '--capability', 'linkedin_publishing', 'c1', 'Draft a post', '--wait']);
    assert.deepEqual(r.args, { CLUSTER_ID: 'c1', INPUT: 'Draft a post' });
    assert.equal(r.options.capability, 'linkedin_publishing');
    assert.equal(r.config.json, true);
  });

  it('takes input that looks like an option after --', () => {
    assert.deepEqual(runOf(['tasks', 'submit', 'c1', '--', '--not-an-option']).args, { CLUSTER_ID: 'c1', INPUT: '--not-an-option' });
  });

  it('reads every option of clusters create', () => {
    const r = runOf(['clusters', 'create', '--blueprint', 'marketing-v1', '--name', 'Test Marketing Cluster', '--workers', '3', '--wait', '--timeout', '60']);
    assert.equal(r.options.blueprint, 'marketing-v1');
    assert.equal(r.options.name, 'Test Marketing Cluster');
    assert.equal(r.options.workers, '3');
    assert.equal(r.options.timeout, '60');
  });

  it('knows every command the README lists', () => {
    const names = COMMANDS.map((c) => `${c.group} ${c.name}`);
    for (const n of ['keys create', 'keys list', 'keys revoke', 'blueprints list', 'blueprints validate', 'blueprints upload', 'clusters list', 'clusters create', 'clusters get', 'clusters scale', 'clusters hibernate', 'clusters reactivate', 'clusters destroy', 'clusters tree', 'clusters decisions', 'clusters metrics', 'tasks submit', 'tasks get', 'tasks follow']) {
      assert.ok(names.includes(n), n);
    }
  });

  const bad: [string, string[], RegExp][] = [
    ['nothing', [], /no command/],
    ['an unknown group', ['pods', 'list'], /unknown command "pods"/],
    ['a group alone', ['clusters'], /needs a command/],
    ['an unknown command', ['clusters', 'explode'], /unknown command "clusters explode"/],
    ['a missing argument', ['clusters', 'scale', 'abc'], /needs N/],
    ['an extra argument', ['clusters', 'get', 'a', 'b'], /got also: b/],
    ['an unknown option', ['clusters', 'list', '--bogus'], /Unknown option '--bogus'/],
    ["another command's option", ['clusters', 'get', 'a', '--wait'], /has no option --wait/],
    ['a missing required option', ['clusters', 'create', '--name', 'x'], /needs --blueprint/],
    ['a string option without its value', ['clusters', 'create', '--blueprint'], /argument missing/],
    ['a worker count that is not a number', ['clusters', 'scale', 'a', 'ten'], /N must be a whole number/],
    ['a negative worker count', ['clusters', 'create', '--blueprint', 'b', '--name', 'n', '--workers', '-1'], /argument is ambiguous|whole number|within/],
    ['too many workers', ['clusters', 'scale', 'a', '1001'], /within 0\.\.1000/],
    ['a zero timeout', ['clusters', 'scale', 'a', '1', '--timeout', '0'], /--timeout must be a positive number/],
    ['a limit over 100', ['clusters', 'decisions', 'a', '--limit', '500'], /within 1\.\.100/],
    ['a bad URL', ['clusters', 'list', '--url', 'not a url'], /not a URL/],
    ['a non-http URL', ['clusters', 'list', '--url', 'ftp://x'], /must be http or https/],
  ];
  for (const [what, argv, pattern] of bad) it(`refuses ${what} (exit 2)`, () => usageError(argv, pattern));

  it('attaches the usage text of the command concerned', () => {
    try {
      parseCommandLine(['clusters', 'scale', 'abc'], {});
      assert.fail('no error');
    } catch (e) {
      assert.match((e as UsageError).usage ?? '', /Usage: brain clusters scale ID N/);
    }
  });
});

describe('parseCommandLine: help on every level', () => {
  const cases: [string[], RegExp][] = [
    [['help'], /Usage: brain <group> <command>/],
    [['--help'], /Usage: brain <group> <command>/],
    [['-h'], /Usage: brain <group> <command>/],
    [['clusters', '--help'], /Usage: brain clusters <command>/],
    [['clusters', 'help'], /Usage: brain clusters <command>/],
    [['help', 'clusters'], /Usage: brain clusters <command>/],
    [['clusters', 'create', '--help'], /Usage: brain clusters create --blueprint ID --name NAME/],
    [['help', 'tasks', 'submit'], /Usage: brain tasks submit CLUSTER_ID INPUT/],
    [['clusters', 'help', 'scale'], /Usage: brain clusters scale ID N/],
    // help wins over missing arguments
    [['clusters', 'scale', '--help'], /Usage: brain clusters scale ID N/],
  ];
  for (const [argv, pattern] of cases) {
    it(argv.join(' '), () => {
      const p = parseCommandLine(argv, {});
      assert.equal(p.kind, 'help');
      assert.match((p as { text: string }).text, pattern);
    });
  }

  it('lists the exit codes in the main help', () => {
    const p = parseCommandLine(['help'], {}) as { text: string };
    assert.match(p.text, /Exit codes: 0 ok; 1 .*2 usage error/s);
  });
});

describe('config: --url / BRAIN_URL, --token / BRAIN_TOKEN', () => {
  it('defaults to localhost:3000 without a token', () => {
    assert.deepEqual(resolveConfig({}, {}), { url: DEFAULT_URL, token: undefined, json: false });
  });

  it('takes the environment', () => {
    assert.deepEqual(resolveConfig({}, { BRAIN_URL: 'http://api:8080/', BRAIN_TOKEN: 'brn_x' }), { url: 'http://api:8080', token: 'brn_x', json: false });
  });

  it('lets the options win over the environment', () => {
    const r = runOf(['keys', 'list', '--url', 'https://brain.example', '--token', 'opt'], { BRAIN_URL: 'http://env', BRAIN_TOKEN: 'env' });
    assert.equal(r.config.url, 'https://brain.example');
    assert.equal(r.config.token, 'opt');
  });

  it('treats empty variables as unset', () => {
    assert.deepEqual(resolveConfig({}, { BRAIN_URL: '', BRAIN_TOKEN: '' }), { url: DEFAULT_URL, token: undefined, json: false });
  });
});

describe('timeoutSeconds', () => {
  it('defaults to 300 and accepts fractions', () => {
    assert.equal(timeoutSeconds(undefined), 300);
    assert.equal(timeoutSeconds('0.5'), 0.5);
  });
  for (const raw of ['', 'x', '-1', '0', 'Infinity']) it(`refuses "${raw}"`, () => assert.throws(() => timeoutSeconds(raw), UsageError));
});
