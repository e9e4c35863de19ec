#!/usr/bin/env node
// `brain`: the operator CLI, an HTTP client of the api (README, "CLI"). `npm run cli -- <command>`.
import { run } from './cli';
import { Io } from './wait';

const following = process.argv.includes('--follow');
let onInterrupt: () => void = () => undefined;
const interrupted = new Promise<void>((resolve) => (onInterrupt = resolve));
let interrupts = 0;
process.on('SIGINT', () => {
  // The first Ctrl-C ends `--follow` cleanly; commands that do not listen stop at once.
  interrupts++;
  onInterrupt();
  if (interrupts > 1 || !following) process.exit(130);
});

const io: Io = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  interrupted,
};

void run(process.argv.slice(2), io).then((code) => {
  // Leave at once (a poll's pending timer must not hold the process), once stdout has drained.
  process.stdout.write('', () => process.exit(code));
});
