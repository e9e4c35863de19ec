// Runs one command line: parse, call the api, print, and answer the exit code. No process-wide
// side effects here (main.ts wires it to the real process), so tests can drive it directly.
import { parseCommandLine } from './args';
import { ApiClient } from './client';
import { HANDLERS } from './commands';
import { CliError, ExitCode, UsageError } from './errors';
import { Io } from './wait';

export async function run(argv: string[], io: Io): Promise<number> {
  try {
    const parsed = parseCommandLine(argv, io.env);
    if (parsed.kind === 'help') {
      io.stdout(parsed.text);
      return ExitCode.Ok;
    }
    const api = new ApiClient(parsed.config.url, parsed.config.token);
    return await HANDLERS[`${parsed.command.group} ${parsed.command.name}`]({ run: parsed, api, io });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`brain: ${e.message}\n`);
      if (e.usage) io.stderr(`\n${e.usage}`);
      return e.exitCode;
    }
    if (e instanceof CliError) {
      io.stderr(`brain: ${e.message}\n`);
      for (const line of e.lines) io.stderr(`${line}\n`);
      return e.exitCode;
    }
    io.stderr(`brain: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.Unavailable;
  }
}
