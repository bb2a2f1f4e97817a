// Validates Backstage catalog files with @backstage/catalog-model's own validators, as the
// catalog's processing applies them: the entity policies (namespace, no foreign root fields,
// field formats, the entity schema) and the validator of each built-in kind. It also checks
// that every entity reference in a relation field names an entity of the files, and that
// (kind, namespace, name) is unique. Usage: node validate-backstage.mjs FILE…
// Prints one JSON line per file: {"file", "errors", "warnings", "entities", "diagnostics"};
// exits 1 when any file has an error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  EntityPolicies, DefaultNamespaceEntityPolicy, NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy,
  SchemaValidEntityPolicy, apiEntityV1alpha1Validator, componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator, groupEntityV1alpha1Validator, locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator, systemEntityV1alpha1Validator, userEntityV1alpha1Validator,
  parseEntityRef, stringifyEntityRef,
} from '@backstage/catalog-model';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const kinds = [apiEntityV1alpha1Validator, componentEntityV1alpha1Validator, domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator, locationEntityV1alpha1Validator, resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator, userEntityV1alpha1Validator];

// The relation fields of each kind and the kind a reference defaults to.
const refFields = {
  Component: { 'spec.owner': 'group', 'spec.system': 'system', 'spec.providesApis': 'api', 'spec.consumesApis': 'api', 'spec.dependsOn': null },
  API: { 'spec.owner': 'group', 'spec.system': 'system' },
  Resource: { 'spec.owner': 'group', 'spec.system': 'system', 'spec.dependsOn': null },
  System: { 'spec.owner': 'group', 'spec.domain': 'domain' },
  Group: { 'spec.parent': 'group', 'spec.children': 'group' },
};

// resolvePlaceholders does what the catalog's PlaceholderProcessor does before validation: a
// mapping {$text: path} becomes the text of the file at path, relative to the catalog file.
async function resolvePlaceholders(v, dir, diagnostics, where) {
  if (Array.isArray(v)) return Promise.all(v.map((x) => resolvePlaceholders(x, dir, diagnostics, where)));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === '$text') {
    const target = v.$text;
    if (/^[a-z]+:/i.test(target) || path.isAbsolute(target)) {
      diagnostics.push({ severity: 0, message: `${where}: $text ${target} is not a relative path` });
      return '';
    }
    try {
      return await readFile(path.resolve(dir, target), 'utf8');
    } catch (err) {
      diagnostics.push({ severity: 0, message: `${where}: $text ${target}: ${err.message}` });
      return '';
    }
  }
  const out = {};
  for (const k of keys) out[k] = await resolvePlaceholders(v[k], dir, diagnostics, where);
  return out;
}

function get(obj, dotted) {
  return dotted.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

let failed = false;
const all = [];
for (const file of process.argv.slice(2)) {
  const diagnostics = [];
  const text = await readFile(file, 'utf8');
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const entities = [];
  for (const [i, doc] of docs.entries()) {
    for (const e of doc.errors) diagnostics.push({ severity: 0, message: `document ${i}: YAML: ${e.message}` });
    for (const w of doc.warnings) diagnostics.push({ severity: 1, message: `document ${i}: YAML: ${w.message}` });
    const raw = doc.toJS();
    if (raw == null) continue;
    const entity = await resolvePlaceholders(raw, path.dirname(file), diagnostics, `document ${i}`);
    entities.push(entity);
    try {
      const out = await policy.enforce(entity);
      if (!out) throw new Error('rejected by the entity policies');
      let matched = false;
      for (const v of kinds) {
        if (await v.check(entity)) matched = true;
      }
      if (!matched) throw new Error(`no validator for kind ${entity.kind} (${entity.apiVersion})`);
    } catch (err) {
      diagnostics.push({ severity: 0, message: `document ${i} (${entity?.kind}:${entity?.metadata?.name}): ${err.message}` });
    }
  }
  all.push({ file, entities, diagnostics });
}
// References across every file given: each must resolve; names unique.
const known = new Set();
for (const f of all) {
  for (const e of f.entities) {
    const ref = stringifyEntityRef({ kind: e.kind, namespace: e.metadata?.namespace ?? 'default', name: e.metadata?.name ?? '' }).toLowerCase();
    if (known.has(ref)) f.diagnostics.push({ severity: 0, message: `duplicate entity ${ref}` });
    known.add(ref);
  }
}
for (const f of all) {
  for (const e of f.entities) {
    for (const [field, defaultKind] of Object.entries(refFields[e.kind] ?? {})) {
      const v = get(e, field);
      for (const r of v == null ? [] : Array.isArray(v) ? v : [v]) {
        try {
          const p = parseEntityRef(r, { defaultKind: defaultKind ?? undefined, defaultNamespace: e.metadata?.namespace ?? 'default' });
          const ref = stringifyEntityRef(p).toLowerCase();
          if (!known.has(ref)) f.diagnostics.push({ severity: 0, message: `${e.kind}:${e.metadata.name} ${field}: ${r} names no entity` });
        } catch (err) {
          f.diagnostics.push({ severity: 0, message: `${e.kind}:${e.metadata.name} ${field}: ${err.message}` });
        }
      }
    }
  }
  const errors = f.diagnostics.filter((d) => d.severity === 0).length;
  const warnings = f.diagnostics.length - errors;
  if (f.diagnostics.length > 0) failed = true;
  console.log(JSON.stringify({ file: f.file, errors, warnings, parsed: true, entities: f.entities.length, diagnostics: f.diagnostics.slice(0, 50) }));
}
process.exit(failed ? 1 : 0);
