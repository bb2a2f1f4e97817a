// Validates AsyncAPI documents with @asyncapi/parser 3.x, the Avro and Protobuf schema parsers
// registered, as AsyncAPI tooling reads them. Usage: node validate-asyncapi.mjs FILE…
// Prints one JSON line per file: {"file", "errors", "warnings", "diagnostics"} (diagnostics
// of severity error or warning, at most 50 per file), and exits 1 when any file has either.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { ProtoBuffSchemaParser } from '@asyncapi/protobuf-schema-parser';

const parser = new Parser();
parser.registerSchemaParser(AvroSchemaParser());
parser.registerSchemaParser(ProtoBuffSchemaParser());

let failed = false;
for (const file of process.argv.slice(2)) {
  const abs = path.resolve(file);
  const { document, diagnostics } = await fromFile(parser, abs).parse();
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  const bad = diagnostics.filter((d) => d.severity <= 1);
  const errors = bad.filter((d) => d.severity === 0).length;
  const warnings = bad.length - errors;
  if (!document && errors === 0) {
    failed = true;
  }
  if (bad.length > 0) failed = true;
  console.log(JSON.stringify({
    file, errors, warnings, parsed: !!document,
    diagnostics: bad.slice(0, 50).map((d) => ({ code: d.code, severity: d.severity, message: d.message, path: d.path.join('/') })),
  }));
}
process.exit(failed ? 1 : 0);
