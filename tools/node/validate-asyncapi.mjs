// Validates AsyncAPI documents with @asyncapi/parser 3.x, the Avro and Protobuf schema parsers
// registered, as AsyncAPI tooling reads them. Usage: node validate-asyncapi.mjs [--stock] FILE…
// Prints one JSON line per file: {"file", "errors", "warnings", "parsed", "ms", "diagnostics"}
// (diagnostics of severity error or warning, at most 50 per file), and exits 1 when any file
// has either, or did not parse.
//
// One process parses every file with one Parser. Two things make a thousand documents that
// $ref one 13 MB estate document take seconds each with the parser as it comes, and both are
// dealt with here without changing what is checked (--stock turns both off; the Go tests run
// both ways on the same documents and compare every diagnostic):
//
//  1. Spectral, which the parser validates with, gives every document a fresh set of Ajv
//     instances, so the AsyncAPI 3.0 JSON Schema (with every binding's schema) is compiled again
//     for each one: about half a second a document, whatever its size. Here every document gets
//     the same set, and with it Spectral's own cache of compiled validators, keyed by the schema
//     object: a validator is a function of the schema and the instance's configuration, which is
//     the same for every set Spectral makes. The schemas Spectral's schema function sees in a 3.x
//     document are the ruleset's own; should a schema with an $id arrive that is not the object
//     first seen with that $id (a 2.x document's payload schema), it is compiled in a fresh set.
//  2. A document's $ref into another file (an application's channels in the estate document)
//     is resolved against the referenced file as Spectral's own YAML parser reads it, parsed
//     once (when the file is itself among those validated, its own parse), but cut down to what the document reaches: the referenced pointers and, within that
//     file, everything they reference in turn. It is a subset holding the same values at the same
//     pointers, so a reference resolves to what it would have resolved to, and one that would
//     not resolve does not. (Without this, Spectral's resolver caches the big file but rewrites
//     it copy-on-write for each document that reaches into it.) The referenced file's own
//     validity is its own entry on the command line; give it there.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

// The modules the parser itself loads (CommonJS, one instance each): the parser, and the
// Spectral and Ajv it validates with.
const require = createRequire(import.meta.url);
const { Parser, fromFile } = require('@asyncapi/parser');
const { AvroSchemaParser } = require('@asyncapi/avro-schema-parser');
const { ProtoBuffSchemaParser } = require('@asyncapi/protobuf-schema-parser');
const fromParser = createRequire(require.resolve('@asyncapi/parser'));
const { Document } = fromParser('@stoplight/spectral-core');
const { Yaml, Json } = fromParser('@stoplight/spectral-parsers');
const spectralAjv = fromParser(path.join(path.dirname(fromParser.resolve('@stoplight/spectral-functions')), 'schema', 'ajv.js'));

const args = process.argv.slice(2);
const stock = args.includes('--stock');
const files = args.filter((a) => a !== '--stock');

if (!stock) {
  // 1. One set of Ajv instances for every document.
  const create = spectralAjv.createAjvInstances;
  const shared = create();
  const byId = new Map(); // $id → the schema object first seen with it
  spectralAjv.createAjvInstances = () => (schema, dialect, allErrors) => {
    const id = schema?.$id;
    if (typeof id === 'string') {
      if (!byId.has(id)) byId.set(id, schema);
      if (byId.get(id) !== schema) return create()(schema, dialect, allErrors);
    }
    return shared(schema, dialect, allErrors);
  };
}

// 2. Referenced files, parsed once by Spectral's parser; for the document being parsed, the
// part of each that it reaches, as text.
const referenced = new Map(); // absolute path → data
let served = new Map(); // absolute path → text, for the current document
const resolvers = stock ? [] : [{
  schema: 'file',
  order: 1,
  canRead: (uri) => served.has(path.resolve(uri.href())),
  read: (uri) => served.get(path.resolve(uri.href())),
}];
const parser = new Parser(stock ? {} : { __unstable: { resolver: { cache: false, resolvers } } });
parser.registerSchemaParser(AvroSchemaParser());
parser.registerSchemaParser(ProtoBuffSchemaParser());

function spectralParse(text, file) {
  return new Document(text, path.extname(file) === '.json' ? Json : Yaml, file).data;
}

// pointerPath turns a URI fragment (#/a/b~1c) into keys, as the resolver reads it.
function pointerPath(fragment) {
  const p = decodeURIComponent(fragment.replace(/^#/, ''));
  if (p === '' || p === '/') return [];
  return p.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function* refs(v) {
  if (Array.isArray(v)) {
    for (const x of v) yield* refs(x);
  } else if (v !== null && typeof v === 'object') {
    if (typeof v.$ref === 'string') yield v.$ref;
    for (const x of Object.values(v)) yield* refs(x);
  }
}

function get(v, keys) {
  for (const k of keys) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

// reach is the part of data that pointers reach, with what those parts reference within data.
function reach(data, pointers) {
  const trie = { whole: false, children: new Map() };
  const seen = new Set();
  const queue = [...pointers];
  while (queue.length > 0) {
    const keys = pointerPath(queue.pop());
    const id = JSON.stringify(keys);
    if (seen.has(id)) continue;
    seen.add(id);
    let node = trie;
    for (const k of keys) {
      if (!node.children.has(k)) node.children.set(k, { whole: false, children: new Map() });
      node = node.children.get(k);
    }
    node.whole = true;
    for (const r of refs(get(data, keys))) {
      if (r.startsWith('#')) queue.push(r);
    }
  }
  const build = (v, node) => {
    if (node.whole || v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const out = {};
    for (const [k, child] of node.children) {
      if (Object.hasOwn(v, k)) out[k] = build(v[k], child);
    }
    return out;
  };
  return build(data, trie);
}

// serve prepares, for the document at file, the parts of the files it references.
async function serve(file) {
  served = new Map();
  const text = await readFile(file, 'utf8');
  // Only a document that may $ref another file is parsed here (the estate document, 13 MB, has
  // local references only). A document this misses is resolved against whole files, as stock.
  if (!/\$ref["']?\s*:\s*["']?[^#\s"']/.test(text)) return text;
  const byFile = new Map();
  for (const r of refs(spectralParse(text, file))) {
    const hash = r.indexOf('#');
    const target = hash < 0 ? r : r.slice(0, hash);
    if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // local, or http(s)
    const abs = path.resolve(path.dirname(file), decodeURIComponent(target));
    if (!byFile.has(abs)) byFile.set(abs, []);
    byFile.get(abs).push(hash < 0 ? '#' : r.slice(hash));
  }
  for (const [abs, pointers] of byFile) {
    if (!referenced.has(abs)) {
      let data;
      try {
        data = spectralParse(await readFile(abs, 'utf8'), abs);
      } catch {
        continue; // the resolver reports it as it would
      }
      referenced.set(abs, data);
    }
    const part = reach(referenced.get(abs), pointers);
    const partText = JSON.stringify(part);
    // JSON is YAML; check that Spectral's YAML parser reads the part back as the same values.
    if (!isDeepStrictEqual(spectralParse(partText, abs), part)) {
      throw new Error(`${abs}: the part ${file} references does not read back as the same values`);
    }
    served.set(abs, partText);
  }
  return text;
}

let failed = false;
for (const file of files) {
  const abs = path.resolve(file);
  const t0 = performance.now();
  let document, diagnostics, extras;
  try {
    ({ document, diagnostics, extras } = stock ? await fromFile(parser, abs).parse() : await parser.parse(await serve(abs), { source: abs }));
    if (!stock && extras?.document && !referenced.has(abs)) referenced.set(abs, extras.document.data);
  } catch (err) {
    document = undefined;
    diagnostics = [{ code: 'validate-asyncapi', severity: 0, message: String(err?.stack ?? err), path: [] }];
  }
  const ms = Math.round(performance.now() - t0);
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  const bad = diagnostics.filter((d) => d.severity <= 1);
  const errors = bad.filter((d) => d.severity === 0).length;
  const warnings = bad.length - errors;
  if (!document || bad.length > 0) failed = true;
  console.log(JSON.stringify({
    file, errors, warnings, parsed: !!document, ms,
    diagnostics: bad.slice(0, 50).map((d) => ({ code: d.code, severity: d.severity, message: d.message, path: d.path.join('/') })),
  }));
}
process.exit(failed ? 1 : 0);
