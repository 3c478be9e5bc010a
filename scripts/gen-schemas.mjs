// Generates schemas/conversation-flow.schema.json from the official retell-sdk types and precompiles
// it with ajv's standalone mode into src/validators/schema/flow-validator.js (+ .d.ts), so `lint`
// never compiles an 800 KB schema at start-up. It also precompiles the hand-written
// schemas/recording.schema.json into src/retell/recording-validator.js (+ .d.ts), so reading a
// recording needs no ajv at run time. All outputs are committed; test/schemas.test.ts regenerates
// them into a temp dir and fails when they are stale.
//
// Usage: npm run gen:schemas            (writes into the repo)
//        node scripts/gen-schemas.mjs --out-dir DIR   (writes DIR/schemas/... and DIR/src/...)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { createGenerator } = require('ts-json-schema-generator');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SDK_TYPES = path.join(repo, 'node_modules/retell-sdk/resources/conversation-flow.d.ts');
const SCHEMA_FILE = 'schemas/conversation-flow.schema.json';
const VALIDATOR_FILE = 'src/validators/schema/flow-validator.js';
const TYPES_FILE = 'src/validators/schema/flow-validator.d.ts';
const RECORDING_SCHEMA_FILE = 'schemas/recording.schema.json';
const RECORDING_VALIDATOR_FILE = 'src/retell/recording-validator.js';
const RECORDING_TYPES_FILE = 'src/retell/recording-validator.d.ts';
const API_SCHEMA_FILE = 'schemas/retell-api.schema.json';
const API_VALIDATOR_FILE = 'src/emulator/api-validator.js';
const API_TYPES_FILE = 'src/emulator/api-validator.d.ts';
/**
 * Request bodies the emulator validates, by export name -> [SDK resource file, params type]. The
 * SDK puts query parameters into the same params type ("Query param: ..."); they are dropped here,
 * since the SDK sends them in the URL. Conversation flows are checked by the flow validator above.
 */
const API_BODIES = {
  createAgent: ['agent', 'AgentCreateParams'],
  updateAgent: ['agent', 'AgentUpdateParams'],
  listAgents: ['agent', 'AgentListParams'],
  createAgentVersion: ['agent', 'AgentCreateVersionParams'],
  publishAgentVersion: ['agent', 'AgentPublishParams'],
  createPhoneNumber: ['phone-number', 'PhoneNumberCreateParams'],
  importPhoneNumber: ['phone-number', 'PhoneNumberImportParams'],
  updatePhoneNumber: ['phone-number', 'PhoneNumberUpdateParams'],
  listCalls: ['call', 'CallListParams'],
};
const ROOT = 'ConversationFlowCreateParams';
const RESPONSE = 'ConversationFlowResponse';
/** Properties tried, in order, as the discriminator of a union of object variants. */
const TAGS = ['type', 'role'];

const NODE = /^ConversationFlowCreateParams(\.Component)?\.\w+Node$/;
const COMPONENT = /^ConversationFlowCreateParams\.Component$/;
const EMPTY_LIST = { type: 'array', maxItems: 0 };

/**
 * Keys Retell's own API and dashboard write into flows that the SDK types leave out, seen in GET and
 * list responses and dashboard exports from several unrelated repositories (../shared/real-world).
 * Without them every real file drowns in unknown-property warnings about keys nobody wrote by hand.
 * Lists Retell always writes empty are accepted only empty (maxItems 0), so content there still fails.
 * `applies` gets a definition's name and schema; the generator fails when the SDK gains one of these.
 */
const RETELL_WRITES = [
  { applies: (name) => name === ROOT, key: 'is_published', schema: { type: 'boolean', description: 'Whether this version is published. Returned by GET and list; not in the retell-sdk types.' } },
  { applies: (name) => NODE.test(name), key: 'start_speaker', schema: { type: 'string', enum: ['user', 'agent'], description: 'Written by the dashboard on the start node; not in the retell-sdk types.' } },
  {
    applies: (name, def) => NODE.test(name) && !('edges' in def.properties),
    key: 'edges',
    schema: { ...EMPTY_LIST, description: 'Retell writes an empty list on node types without edges (end, agent_swap, ...); not in the retell-sdk types.' },
  },
  { applies: (name) => /\.ComponentNode$/.test(name), key: 'user_modified_timestamp', schema: { type: 'number', description: 'Written by the dashboard; not in the retell-sdk types.' } },
  // A local component in a GET response carries the server fields of a shared component
  // (ConversationFlowComponentResponse), plus org_id/created_timestamp when it was one before.
  { applies: (name) => COMPONENT.test(name), key: 'conversation_flow_component_id', schema: { type: 'string', description: 'Component id, referenced by component nodes (ConversationFlowComponentResponse).' } },
  { applies: (name) => COMPONENT.test(name), key: 'user_modified_timestamp', schema: { type: 'number', description: 'ConversationFlowComponentResponse field.' } },
  { applies: (name) => COMPONENT.test(name), key: 'linked_conversation_flow_ids', schema: { type: 'array', items: { type: 'string' }, description: 'ConversationFlowComponentResponse field.' } },
  { applies: (name) => COMPONENT.test(name), key: 'created_timestamp', schema: { type: 'number', description: 'Left by Retell on components that were shared; not in the retell-sdk types.' } },
  { applies: (name) => COMPONENT.test(name), key: 'org_id', schema: { type: 'string', description: 'Left by Retell on components that were shared; not in the retell-sdk types.' } },
  {
    applies: (_name, def) => 'transition_condition' in def.properties,
    key: 'condition',
    schema: { type: 'string', description: 'Legacy copy of the transition prompt that Retell still returns on edges; not in the retell-sdk types.' },
  },
  {
    applies: (name, def) => /AnalysisData$/.test(name) && !('choices' in def.properties),
    key: 'choices',
    schema: { ...EMPTY_LIST, description: 'Retell writes an empty list on non-enum variables; not in the retell-sdk types.' },
  },
  { applies: (name) => /\.TransferOptionColdTransfer$/.test(name), key: 'enable_bridge_audio_cue', schema: { type: 'boolean', description: 'Returned by Retell on cold transfers too; not in the retell-sdk types.' } },
  { applies: (name) => /\.SubagentNode\.ExtractDynamicVariableTool$/.test(name), key: 'speak_after_execution', schema: { type: 'boolean', description: 'Returned by Retell on extract-variable tools; not in the retell-sdk types.' } },
];

function parseArgs(argv) {
  const i = argv.indexOf('--out-dir');
  return { outDir: i >= 0 ? path.resolve(argv[i + 1]) : repo };
}

function generate() {
  // Our own compiler options: the generator's defaults pull in the DOM lib and every @types package
  // in node_modules, which doubles the parse time and would make the output depend on them.
  const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-gen-'));
  const tsconfig = path.join(dir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs', lib: ['es2022'], types: [], noEmit: true }, files: [] }));
  try {
    return generateWith(tsconfig);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function generateWith(tsconfig) {
  const config = { path: SDK_TYPES, tsconfig, skipTypeCheck: true, expose: 'export', topRef: true, jsDoc: 'extended', additionalProperties: false, sortProps: true };
  const generator = createGenerator(config);
  const create = generator.createSchema(ROOT);
  const response = generator.createSchema(RESPONSE);
  return mergeResponseKeys(create, response);
}

/**
 * Flows on disk are usually GET responses or list elements, not create bodies. The two SDK types
 * differ only at the top level (checked: every nested definition is identical), where the response
 * adds server-set keys (conversation_flow_id, version, last_modification_timestamp). So the schema
 * is the create body, which a flow must satisfy to be uploaded again, plus those keys as optional:
 * the response type itself would make nodes, model_choice and start_speaker optional and let
 * broken flows pass.
 */
function mergeResponseKeys(create, response) {
  const root = create.definitions[ROOT];
  const responseRoot = response.definitions[RESPONSE];
  for (const [key, value] of Object.entries(responseRoot.properties)) {
    if (key in root.properties) continue;
    if (JSON.stringify(value).includes('$ref')) throw new Error(`response-only key ${key} refers to a definition: merge it by hand`);
    root.properties[key] = value;
  }
  for (const extra of RETELL_WRITES) {
    let applied = 0;
    for (const [name, def] of Object.entries(create.definitions)) {
      if (def.type !== 'object' || !def.properties || !extra.applies(name, def)) continue;
      if (extra.key in def.properties) throw new Error(`${name}.${extra.key} is now in the SDK types: drop it from RETELL_WRITES`);
      def.properties[extra.key] = extra.schema;
      applied++;
    }
    if (applied === 0) throw new Error(`RETELL_WRITES entry for ${extra.key} matches no definition: the SDK types changed`);
  }
  return create;
}

/** The request-body schemas of API_BODIES, one generator run over an entry file that names them. */
function generateApi() {
  const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-gen-api-'));
  const sdk = path.join(repo, 'node_modules/retell-sdk/resources');
  const imports = Object.values(API_BODIES).map(([file, type]) => `import type { ${type} } from ${JSON.stringify(path.join(sdk, file))};`);
  const fields = Object.entries(API_BODIES).map(([name, [, type]]) => `  ${name}: ${type};`);
  writeFileSync(path.join(dir, 'entry.ts'), `${[...new Set(imports)].join('\n')}\nexport interface RetellApiBodies {\n${fields.join('\n')}\n}\n`);
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs', lib: ['es2022'], types: [], noEmit: true }, files: [] }));
  try {
    const config = { path: path.join(dir, 'entry.ts'), tsconfig: path.join(dir, 'tsconfig.json'), skipTypeCheck: true, expose: 'export', topRef: true, jsDoc: 'extended', additionalProperties: false, sortProps: true };
    const schema = createGenerator(config).createSchema('RetellApiBodies');
    delete schema.$ref;
    delete schema.definitions.RetellApiBodies;
    for (const [, type] of Object.values(API_BODIES)) {
      const def = schema.definitions[type];
      if (!def) throw new Error(`${type} is not in the SDK types any more`);
      for (const [key, prop] of Object.entries(def.properties ?? {})) {
        const doc = typeof prop.description === 'string' ? prop.description : '';
        if (doc.startsWith('Query param:')) {
          delete def.properties[key];
          def.required = def.required?.filter((k) => k !== key);
        } else if (doc.startsWith('Body param:')) prop.description = doc.slice('Body param:'.length).trimStart();
      }
      if (def.required?.length === 0) delete def.required;
    }
    return schema;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One module, one named validator per body (first error only: the emulator answers one line, as Retell does). */
function compileApi(schema) {
  const stripped = JSON.parse(JSON.stringify(schema, (key, value) => ((key === 'description' && typeof value === 'string') || key === 'deprecated' ? undefined : value)));
  const ajv = new Ajv({ strict: false, allowUnionTypes: true, discriminator: true, inlineRefs: false, code: { source: true, esm: true, optimize: true } });
  ajv.addSchema(stripped, 'api');
  const refs = Object.fromEntries(Object.entries(API_BODIES).map(([name, [, type]]) => [name, `api#/definitions/${encodeURIComponent(type)}`]));
  const UCS2LENGTH = 'require("ajv/dist/runtime/ucs2length").default';
  const code = standaloneCode(ajv, refs).replaceAll(UCS2LENGTH, '((text) => [...text].length)');
  if (/require\(/.test(code)) throw new Error('API validator needs ajv runtime helpers through require(); adjust the schema or the options');
  return `// Generated by scripts/gen-schemas.mjs from retell-sdk ${sdkVersion()} request types. Do not edit.\n// @ts-nocheck\n${code}\n`;
}

function apiTypesFile() {
  const lines = Object.entries(API_BODIES).map(([name, [, type]]) => `/** ${type}, without its query parameters. */\nexport declare const ${name}: BodyValidator;`);
  return `// Generated by scripts/gen-schemas.mjs from retell-sdk's request types. Do not edit.
export interface BodySchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}
export interface BodyValidator {
  (data: unknown): boolean;
  errors?: BodySchemaError[] | null;
}
${lines.join('\n')}
`;
}

function resolve(schema, definitions) {
  let s = schema;
  while (s && typeof s.$ref === 'string') s = definitions[decodeURIComponent(s.$ref.slice('#/definitions/'.length))];
  return s;
}

function tagValues(variant, tag, requiredByParent = false) {
  const p = variant?.properties?.[tag];
  if (!p) return undefined;
  if (!requiredByParent && !(Array.isArray(variant.required) && variant.required.includes(tag))) return undefined;
  if (typeof p.const === 'string') return [p.const];
  if (Array.isArray(p.enum) && p.enum.every((v) => typeof v === 'string')) return p.enum;
  return undefined;
}

/** `specific` accepts a subset of what `general` accepts: the same object with some property pinned by a const. */
function subsumes(general, specific) {
  if (general === specific || general?.type !== 'object' || specific?.type !== 'object') return false;
  const strip = (s) => {
    const { const: _pinned, ...rest } = s;
    return JSON.stringify(rest);
  };
  const gp = general.properties ?? {};
  const sp = specific.properties ?? {};
  const keys = Object.keys(gp);
  if (keys.length !== Object.keys(sp).length || !keys.every((k) => k in sp)) return false;
  if (JSON.stringify(general.required ?? []) !== JSON.stringify(specific.required ?? [])) return false;
  if (JSON.stringify(general.additionalProperties) !== JSON.stringify(specific.additionalProperties)) return false;
  return keys.every((k) => JSON.stringify(sp[k]) === JSON.stringify(gp[k]) || (!('const' in gp[k]) && strip(sp[k]) === JSON.stringify(gp[k])));
}

/**
 * Reshape unions so ajv reports the errors of one variant, not a wall from every variant. Each
 * rewrite accepts exactly the values the anyOf accepted:
 * - a variant that is another one pinned by a const (the always-edge's "Always" prompt beside any
 *   prompt) is dropped: it adds nothing;
 * - `X | null` becomes `if null then ok else X`: errors come from X alone;
 * - object variants with a required string tag (node `type`, tool `type`, condition `type`,
 *   transcript `role`) become oneOf + ajv's discriminator: only the variant the tag names is checked,
 *   and an unknown tag is one error;
 * - variants whose tag is optional (warm-transfer messages, SMS content) are discriminated when the
 *   tag is present, and stay an anyOf when it is not.
 */
function reshapeUnions(schema) {
  const definitions = schema.definitions;
  let count = 0;
  const discriminated = (branches, tag, requiredByParent) => {
    const values = branches.map((b) => tagValues(resolve(b, definitions), tag, requiredByParent));
    if (values.some((v) => v === undefined)) return undefined;
    const seen = new Set();
    for (const v of values.flat()) {
      if (seen.has(v)) return undefined;
      seen.add(v);
    }
    return { oneOf: branches, discriminator: { propertyName: tag } };
  };
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const value of Object.values(node)) visit(value);
    if (!Array.isArray(node.anyOf)) return;
    let branches = node.anyOf;
    const resolved = branches.map((b) => resolve(b, definitions));
    branches = branches.filter((_, i) => !resolved.some((other, j) => j !== i && subsumes(other, resolved[i])));
    const nonNull = branches.filter((b) => resolve(b, definitions)?.type !== 'null');
    delete node.anyOf;
    count++;
    let target = node;
    if (nonNull.length < branches.length) {
      node.if = { type: 'null' };
      node.else = {};
      target = node.else;
    }
    if (nonNull.length === 1) {
      Object.assign(target, nonNull[0]);
      return;
    }
    const objects = nonNull.every((b) => resolve(b, definitions)?.type === 'object');
    for (const tag of objects ? TAGS : []) {
      const strict = discriminated(nonNull, tag, false);
      if (strict) {
        Object.assign(target, { type: 'object' }, strict);
        return;
      }
      const loose = discriminated(nonNull, tag, true);
      if (loose) {
        Object.assign(target, { if: { required: [tag] }, then: { type: 'object', required: [tag], ...loose }, else: { anyOf: nonNull } });
        return;
      }
    }
    target.anyOf = nonNull;
  };
  visit(schema);
  return count;
}

/** Deterministic output: object keys sorted at every level (arrays keep their order). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

/**
 * The schema ajv compiles, derived from the committed one: annotations dropped (ajv ignores them,
 * but the standalone module would still embed them), unions reshaped (reshapeUnions) and
 * structurally identical definitions merged. The SDK repeats every nested
 * type per parent (Component.SubagentNode.Edge, TransferCallNode.Edge, ...): 982 definitions, a
 * handful of shapes. Merging is repeated until nothing changes, so parents of merged definitions
 * merge too. Each shape keeps its shortest name, which is what schemaPaths in errors show.
 */
function forValidation(schema) {
  // A string "description" is an annotation; a property named description has an object schema.
  const stripped = JSON.parse(JSON.stringify(schema, (key, value) => ((key === 'description' && typeof value === 'string') || key === 'deprecated' ? undefined : value)));
  const unions = reshapeUnions(stripped);
  const defs = stripped.definitions;
  const alias = new Map();
  const refName = (ref) => decodeURIComponent(ref.slice('#/definitions/'.length));
  const representative = (name) => {
    while (alias.has(name)) name = alias.get(name);
    return name;
  };
  const rewrite = (_key, value) =>
    value && typeof value === 'object' && typeof value.$ref === 'string' ? { ...value, $ref: `#/definitions/${representative(refName(value.$ref))}` } : value;
  const names = Object.keys(defs).sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  for (let merged = true; merged; ) {
    merged = false;
    const byShape = new Map();
    for (const name of names) {
      if (alias.has(name)) continue;
      const shape = JSON.stringify(defs[name], rewrite);
      const first = byShape.get(shape);
      if (first === undefined) byShape.set(shape, name);
      else {
        alias.set(name, first);
        merged = true;
      }
    }
  }
  for (const name of alias.keys()) delete defs[name];
  // Short names: every schemaPath in the module repeats them.
  for (const name of names) {
    if (alias.has(name)) continue;
    const short = name === ROOT ? 'Flow' : name.replace(`${ROOT}.`, '');
    if (short !== name) {
      alias.set(name, short);
      defs[short] = defs[name];
      delete defs[name];
    }
  }
  const result = sortKeys(JSON.parse(JSON.stringify(stripped, rewrite)));
  hoistLists(result.definitions);
  return { schema: result, unions };
}

/**
 * Lists of tagged variants (a flow's or component's nodes, tools) become definitions of their own, so
 * ajv compiles the loop over them into a small function. Inside the flow's function, which runs once,
 * the loop over 10k nodes ran unoptimized until V8 had compiled that whole large function (OSR).
 */
function hoistLists(defs) {
  const names = new Map();
  // `property`: the name of the property being described (a nullable list sits under its `else`).
  const visit = (node, owner, property, isPropertyMap) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const name = isPropertyMap ? key : property;
      if (value?.type === 'array' && value.items?.discriminator) {
        const shape = JSON.stringify(value);
        if (!names.has(shape)) names.set(shape, `${owner}.${name}`);
        node[key] = { $ref: `#/definitions/${names.get(shape)}` };
      } else visit(value, owner, name, key === 'properties' && !isPropertyMap);
    }
  };
  for (const [name, def] of Object.entries(defs)) visit(def, name, 'items', false);
  for (const [shape, name] of names) {
    if (Object.hasOwn(defs, name)) throw new Error(`hoistLists: a definition named ${name} exists`);
    defs[name] = JSON.parse(shape);
  }
}

/**
 * What the rules need from the schema but ajv errors do not carry (we compile without `verbose`
 * to keep the module small): for each discriminated union, the allowed tag values; for each closed
 * object, its allowed keys. Both are keyed by the schemaPath of the error that needs them.
 */
function sideTables(schema) {
  const unions = {};
  const objects = {};
  const shapes = {};
  const shapeOf = (branch) => {
    const s = resolve(branch, schema.definitions);
    const required = s.required ?? [];
    const parts = Object.entries(s.properties ?? {}).map(([k, p]) => `${k}${required.includes(k) ? '' : '?'}${'const' in p ? `: ${JSON.stringify(p.const)}` : ''}`);
    return `{ ${parts.join(', ')} }`;
  };
  const walk = (node, pointer) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${pointer}/${i}`));
    if (!node || typeof node !== 'object') return;
    if (node.discriminator) {
      const tag = node.discriminator.propertyName;
      // requiredByParent: the optional-tag unions require the tag one level up (in `then`).
      const values = node.oneOf.flatMap((v) => tagValues(resolve(v, schema.definitions), tag, true));
      unions[`${pointer}/discriminator`] = values;
    }
    if (Array.isArray(node.anyOf)) shapes[`${pointer}/anyOf`] = node.anyOf.map(shapeOf);
    if (node.additionalProperties === false && node.properties) objects[`${pointer}/additionalProperties`] = Object.keys(node.properties);
    for (const [k, v] of Object.entries(node)) walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  for (const [name, def] of Object.entries(schema.definitions)) walk(def, `#/definitions/${name}`);
  return { unions, objects, shapes };
}

/**
 * ajv inlines a $ref to a schema of at most this many keywords: a call of a definition's function costs
 * a path string per value checked. With hoistLists, the schema rule on bench:lint's 10k-node flow went
 * from 29 to 26 ms (--stats medians, interleaved); validating that flow alone, cold, 42 -> 28 ms.
 */
const INLINE_REF_KEYWORDS = 8;

function compile(schema) {
  const ajv = new Ajv({
    allErrors: true,
    discriminator: true,
    // The rules write their own messages from keyword + params; ajv's texts would only add bytes.
    messages: false,
    // Shapes of at most INLINE_REF_KEYWORDS keywords (a display position, a condition's parts) are
    // inlined where used; the rest stay one function per definition, which keeps the module small.
    inlineRefs: INLINE_REF_KEYWORDS,
    strict: false,
    code: { source: true, esm: true, optimize: true },
  });
  const validate = ajv.compile(schema);
  const code = errorsOutOfLine(pathStack(positionalPaths(qualifySchemaPaths(standaloneCode(ajv, validate), validate, schema))));
  if (/require\(/.test(code)) throw new Error('standalone code needs ajv runtime helpers through require(); adjust the schema or the options');
  return code;
}

/**
 * ajv hands each definition's function `{instancePath, parentData, parentDataProperty, rootData}`, a new
 * object for every value it checks (~50k on a 10k-node flow, garbage the scavenger then chases). Only
 * instancePath is read: the others serve $data references and removeAdditional, which this schema and
 * these options do not use. So the path goes as a plain argument; a leftover reference fails the build.
 */
function positionalPaths(code) {
  const string = '"(?:[^"\\\\]|\\\\.)*"';
  const expr = `(?:[^,"]|${string})*`;
  const out = code
    .replace(/\{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}/g, 'instancePath=""')
    .replace(new RegExp(`, \\{instancePath:(${expr}),parentData:${expr},parentDataProperty:${expr},rootData\\}\\)`, 'g'), ', $1)')
    .replaceAll(', {instancePath,parentData,parentDataProperty,rootData})', ', instancePath)');
  if (/parentData|rootData/.test(out)) throw new Error('gen:schemas: the validator still passes parentData or rootData; update positionalPaths for this ajv');
  return out;
}

/**
 * Where the value being checked sits, kept as a stack of path parts instead of a string per call: ajv
 * passes each definition's function `instancePath + "/edges/" + i`, a new string for every value it
 * checks (~2 MB on bench:lint's 10k-node flow, for paths only an error ever reads). Each call now pushes
 * its parts before and pops them after, and an error joins the stack when it is made. The functions are
 * called in a strict nesting (no definition calls the root), so the stack at an error is that value's
 * path; the root resets it, so a validation a thrown error cut short cannot leave parts behind.
 * A leftover instancePath fails the build.
 */
function pathStack(code) {
  const string = '"(?:[^"\\\\]|\\\\.)*"';
  let calls = 0;
  let out = code
    .replace(/function (validate\d+)\(data, instancePath=""\)\{/g, 'function $1(data){')
    .replace(new RegExp(`(validate\\d+)\\(([^(),]+), instancePath\\+(${string})(?: \\+ (i\\d+))?\\)`, 'g'), (_all, fn, data, part, index) => {
      calls++;
      return index
        ? `(__path[__depth++]=${part},__path[__depth++]=${index},__valid=${fn}(${data}),__depth-=2,__valid)`
        : `(__path[__depth++]=${part},__valid=${fn}(${data}),__depth--,__valid)`;
    })
    // A reference that checks the same value (the root's $ref to Flow) adds nothing to the path.
    .replace(/(validate\d+)\(data, instancePath\)/g, '$1(data)')
    .replaceAll('{instancePath,', '{instancePath:__pathNow(),')
    .replaceAll('instancePath:instancePath+', 'instancePath:__pathNow()+');
  const root = /export default (validate\d+);/.exec(out)?.[1];
  if (!root) throw new Error('gen:schemas: cannot find the root validator; update pathStack for this ajv');
  if (out.split(`${root}(`).length !== 2) throw new Error(`gen:schemas: ${root} (the root) is called from inside the validator; pathStack needs it not to be`);
  out = out.replace(`function ${root}(data){`, `function ${root}(data){__depth=0;`);
  if (calls === 0 || /instancePath(?!:__pathNow\(\))/.test(out)) throw new Error('gen:schemas: the validator still reads instancePath; update pathStack for this ajv');
  const helpers =
    'var __path=[];var __depth=0;var __valid;' +
    'function __pathNow(){let path="";for(let k=0;k<__depth;k++)path+=__path[k];return path;}';
  return out.replace('"use strict";', `"use strict";${helpers}`);
}

/**
 * ajv writes every place that can fail as the whole error in line: an object literal with its path, its
 * schema path, its keyword and its params, then "start the list or push to it". Those ~1,500 places were
 * 58 % of the module, in code a valid flow never runs but every run pays for: V8 reads, caches and
 * compiles all of it, and optimises a function later the bigger its bytecode is. Each place now passes
 * the four parts to one function that makes the same object (same keys, same order) and adds it. The
 * empty objects of an if/else (dropped again right after) stay as ajv writes them. A place left in line
 * fails the build, so a new ajv cannot bring the old form back unnoticed.
 */
function errorsOutOfLine(code) {
  const string = '"(?:[^"\\\\]|\\\\.)*"';
  const flat = `(?:[^{}"]|${string})*`;
  // params: an object literal, with at most one level of braces inside ({ type: ..., limit: ... }).
  const params = `\\{${flat}(?:\\{${flat}\\}${flat})*\\}`;
  const site = new RegExp(
    `const (err\\d+) = \\{instancePath:((?:(?!const err|;).)*?),schemaPath:(${string}),keyword:(${string}),params:(${params})\\};` +
      'if\\(vErrors === null\\)\\{vErrors = \\[\\1\\];\\}else \\{vErrors\\.push\\(\\1\\);\\}errors\\+\\+;',
    'g',
  );
  let sites = 0;
  const out = code.replace(site, (_all, _name, instancePath, schemaPath, keyword, paramsObject) => {
    sites++;
    return `vErrors=__error(vErrors,${instancePath},${schemaPath},${keyword},${paramsObject});errors++;`;
  });
  if (sites === 0 || /const err\d+ = \{(?!\})/.test(out)) throw new Error('gen:schemas: an error is still made in line; update errorsOutOfLine for this ajv');
  const helper =
    'function __error(errors,instancePath,schemaPath,keyword,params){' +
    'const error={instancePath,schemaPath,keyword,params};if(errors===null)return [error];errors.push(error);return errors;}';
  return out.replace('"use strict";', `"use strict";${helper}`);
}

/**
 * ajv writes an error's schemaPath relative to the definition whose function raised it ("#/required"),
 * which cannot tell a node's missing key from a tool's. Each compiled function belongs to one
 * definition, so prefix the paths inside it: "#/definitions/<name>/required". The side tables use
 * the same keys. (An inlined definition's errors come as "#/definitions/<inlined>/..." already.)
 */
function qualifySchemaPaths(code, validate, schema) {
  const owner = new Map();
  const stack = [validate];
  while (stack.length > 0) {
    const fn = stack.pop();
    const name = String(fn.source.validateName);
    if (owner.has(name)) continue;
    const entry = Object.entries(schema.definitions).find(([, def]) => def === fn.schema);
    owner.set(name, entry ? `#/definitions/${entry[0].replace(/~/g, '~0').replace(/\//g, '~1')}` : '#');
    for (const ref of fn.source.scopeValues.validate ?? []) if (typeof ref.value?.ref === 'function') stack.push(ref.value.ref);
  }
  return code.replace(/function (validate\d+)\([\s\S]*?(?=function validate\d+\(|$)/g, (body, name) => {
    const prefix = owner.get(name);
    if (prefix === undefined) throw new Error(`cannot tell which definition ${name} validates`);
    // The errors of a definition inlined into this function already carry its full path.
    return body.replace(/schemaPath:"#(?!\/definitions\/)/g, `schemaPath:"${prefix}`);
  });
}

function typesFile() {
  return `// Generated by scripts/gen-schemas.mjs from retell-sdk's types. Do not edit.
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
}
export interface FlowValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}
declare const validate: FlowValidator;
export default validate;
/** The retell-sdk version these types come from (messages quote it). */
export declare const sdkVersion: string;
/** Discriminator schemaPath -> the tag values that union accepts. */
export declare const unionTags: Record<string, string[]>;
/** additionalProperties schemaPath -> the keys that object accepts. */
export declare const allowedKeys: Record<string, string[]>;
/** anyOf schemaPath -> a short description of each shape the union accepts. */
export declare const anyOfShapes: Record<string, string[]>;
`;
}

/**
 * The recording schema is small and hand-written: compiled as is, first error only (the reader prints
 * one line), with ajv's own messages. date-time is checked by an RFC 3339 pattern that ajv inlines.
 */
function compileRecording() {
  const schema = JSON.parse(readFileSync(path.join(repo, RECORDING_SCHEMA_FILE), 'utf8'));
  const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, formats: { 'date-time': DATE_TIME }, code: { source: true, esm: true, optimize: true } });
  // minLength counts code points through an ajv runtime helper that standalone code require()s;
  // inline the same count instead.
  const UCS2LENGTH = 'require("ajv/dist/runtime/ucs2length").default';
  const code = standaloneCode(ajv, ajv.compile(schema)).replace(UCS2LENGTH, '((text) => [...text].length)');
  if (/require\(/.test(code)) throw new Error('recording validator needs ajv runtime helpers through require(); adjust the schema or the options');
  return `// Generated by scripts/gen-schemas.mjs from ${RECORDING_SCHEMA_FILE}. Do not edit.\n// @ts-nocheck\n${code}\n`;
}

function recordingTypesFile() {
  return `// Generated by scripts/gen-schemas.mjs from ${RECORDING_SCHEMA_FILE}. Do not edit.
export interface RecordingSchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}
export interface RecordingValidator {
  (data: unknown): boolean;
  errors?: RecordingSchemaError[] | null;
}
declare const validate: RecordingValidator;
export default validate;
`;
}

function main() {
  const { outDir } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const schema = generate();
  const sorted = sortKeys(schema);
  const { schema: compiled, unions: unionCount } = forValidation(sorted);
  const code = compile(compiled);
  const { unions, objects, shapes } = sideTables(compiled);
  const header = `// Generated by scripts/gen-schemas.mjs from retell-sdk ${sdkVersion()} (${ROOT}). Do not edit.\n// @ts-nocheck\n`;
  const tables = `\nexport const sdkVersion = ${JSON.stringify(sdkVersion())};\nexport const unionTags = ${JSON.stringify(sortKeys(unions))};\nexport const allowedKeys = ${JSON.stringify(sortKeys(objects))};\nexport const anyOfShapes = ${JSON.stringify(sortKeys(shapes))};\n`;
  const outputs = [
    [SCHEMA_FILE, JSON.stringify(sorted, null, 2) + '\n'],
    [VALIDATOR_FILE, header + code + tables],
    [TYPES_FILE, typesFile()],
    [RECORDING_VALIDATOR_FILE, compileRecording()],
    [RECORDING_TYPES_FILE, recordingTypesFile()],
  ];
  const api = sortKeys(generateApi());
  outputs.push([API_SCHEMA_FILE, JSON.stringify(api, null, 2) + '\n'], [API_VALIDATOR_FILE, compileApi(api)], [API_TYPES_FILE, apiTypesFile()]);
  for (const [file, text] of outputs) {
    const target = path.join(outDir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  const kb = (s) => `${Math.round(Buffer.byteLength(s) / 1024)} KB`;
  console.log(
    `gen:schemas: ${Object.keys(sorted.definitions).length} definitions (${Object.keys(compiled.definitions).length} distinct), ${unionCount} unions reshaped; schema ${kb(outputs[0][1])}, validator ${kb(outputs[1][1])}; ${Math.round(performance.now() - started)} ms`,
  );
}

function sdkVersion() {
  return JSON.parse(readFileSync(path.join(repo, 'node_modules/retell-sdk/package.json'), 'utf8')).version;
}

main();
