/**
 * A framed plain-text block for what a person starting the system must see (URLs, the first admin
 * key). It is written straight to stdout, in every log format, so it is never buried in a JSON line.
 */
export function framedBlock(lines: string[], minWidth = 60): string {
  const width = Math.max(minWidth, ...lines.map((l) => l.length));
  const rule = `+${'-'.repeat(width + 4)}+`;
  const body = lines.map((l) => `|  ${l.padEnd(width)}  |`);
  return ['', rule, ...body, rule, ''].join('\n') + '\n';
}

export interface StartBanner {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  queueBackend: string;
  /** the first admin key's token, only on the system's very first start */
  firstAdminKey?: string | null;
}

/** The api's start-up block: where the API, Swagger UI, the console and the job board are, and the first admin key if one was made. */
export function startBanner(b: StartBanner): string {
  const lines = [
    'BRAiN api is ready',
    '',
    `API         ${b.baseUrl}/api`,
    `Swagger UI  ${b.baseUrl}/api/docs`,
    `Console     ${b.baseUrl}/console`,
    `Job board   ${b.baseUrl}/admin/queues (admin key)`,
    `Health      ${b.baseUrl}/health`,
    `Queues      ${b.queueBackend}`,
  ];
  if (b.firstAdminKey) {
    lines.push('', 'First admin API key (shown once, store it now; only its hash is kept):', `  ${b.firstAdminKey}`);
  }
  return framedBlock(lines);
}
