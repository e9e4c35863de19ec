#!/usr/bin/env node
// Compiles the whole monorepo (apps, libs, tests, benches) with one TypeScript program into dist/.
// We drive the compiler API ourselves so the @nestjs/swagger plugin can read DTO types and doc
// comments (the same transformer `nest build` would apply) without pulling in the Nest CLI and webpack.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const ts = require('typescript');
const swaggerPlugin = require('@nestjs/swagger/plugin');

const root = path.resolve(__dirname, '..');
const configPath = path.join(root, 'tsconfig.json');
const read = ts.readConfigFile(configPath, ts.sys.readFile);
if (read.error) fail([read.error]);
const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
if (parsed.errors.length) fail(parsed.errors);

const host = ts.createIncrementalCompilerHost(parsed.options);
const builder = ts.createIncrementalProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
const program = builder.getProgram();
const transformer = swaggerPlugin.before(
  { introspectComments: true, dtoFileNameSuffix: ['.dto.ts'], classValidatorShim: true },
  program,
);
const diagnostics = [...builder.getConfigFileParsingDiagnostics(), ...builder.getSyntacticDiagnostics(), ...builder.getSemanticDiagnostics()];
if (diagnostics.length) fail(diagnostics);
const emitted = builder.emit(undefined, undefined, undefined, false, { before: [transformer] });
if (emitted.diagnostics.length) fail(emitted.diagnostics);

// Non-TypeScript assets the runtime reads (SQL, YAML data shipped inside libs).
copyAssets(path.join(root, 'libs'), path.join(root, 'dist', 'libs'));

function copyAssets(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyAssets(src, dst);
    else if (/\.(ya?ml|json|sql|md)$/.test(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

function fail(diags) {
  const text = ts.formatDiagnosticsWithColorAndContext(diags, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
  process.stderr.write(text + `\nbuild failed: ${diags.length} error(s)\n`);
  process.exit(1);
}
