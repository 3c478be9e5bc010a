// Property-based robustness: random, mutated and garbage flows through the real loader, graph, analyses
// and every rule. Whatever comes in, lint returns (no throw, no hang) and every finding is well formed.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import type { Diagnostic } from '../src/diagnostic.js';
import { compareDiagnostics } from '../src/diagnostic.js';
import { loadText } from '../src/flow/load.js';
import type { SourceFormat } from '../src/flow/source.js';
import { listRules } from '../src/validators/engine.js';
import { lintFlow } from '../src/validators/lint.js';
import { baseFlow } from './helpers/rule-tester.js';

const RULES = new Map(listRules().map((r) => [r.id, r]));
/** Generous: a healthy case takes milliseconds; only a real hang (or a quadratic blow-up) gets here. */
const CASE_LIMIT_MS = 2_000;
/** Whole-property budget, so the file stays well under ~30 s on a busy 2-core machine. */
const PROPERTY_BUDGET_MS = 6_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Checks

function checkDiagnostics(diagnostics: Diagnostic[], what: string): void {
  for (const d of diagnostics) {
    const where = `${what}: ${d.ruleId} at "${d.pointer}" (${d.line}:${d.column}-${d.endLine}:${d.endColumn}) ${d.message.slice(0, 200)}`;
    if (d.ruleId === 'internal-error') throw new Error(`internal-error: ${where}`);
    const rule = RULES.get(d.ruleId);
    if (!rule) throw new Error(`unknown ruleId: ${where}`);
    const template = rule.meta.messages[d.messageId];
    // A rule still marked TODO (a skeleton being written) has no messages yet; the loader reports for it anyway.
    if (template === undefined && rule.meta.description !== 'TODO') throw new Error(`messageId "${d.messageId}" is not in the rule's messages: ${where}`);
    if (!(Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.column) && d.column >= 1)) throw new Error(`bad start: ${where}`);
    if (!(Number.isInteger(d.endLine) && d.endLine >= d.line && Number.isInteger(d.endColumn) && d.endColumn >= 1)) throw new Error(`bad end: ${where}`);
    if (d.endLine === d.line && d.endColumn < d.column) throw new Error(`end before start: ${where}`);
    // Messages quote the user's own {{variables}} (no-undefined-variable, equation-syntax), so "{{" alone
    // proves nothing; what must never happen is a placeholder of the template left unfilled.
    for (const [, key] of (template ?? '').matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)) {
      if (!(key! in d.data)) throw new Error(`unfilled placeholder {{${key}}}: ${where}`);
    }
    if (!['error', 'warning', 'info'].includes(d.severity)) throw new Error(`bad severity: ${where}`);
    if (d.pointer !== '' && !d.pointer.startsWith('/')) throw new Error(`bad pointer: ${where}`);
  }
  for (let i = 1; i < diagnostics.length; i++) {
    if (compareDiagnostics(diagnostics[i - 1]!, diagnostics[i]!) > 0) throw new Error(`${what}: diagnostics not sorted at ${i}`);
  }
}

function timed<T>(what: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const ms = performance.now() - started;
  if (ms > CASE_LIMIT_MS) throw new Error(`${what} took ${Math.round(ms)} ms (limit ${CASE_LIMIT_MS} ms)`);
  return result;
}

function lintObject(flow: unknown): Diagnostic[] {
  const result = timed('lintFlow(object)', () => lintFlow(flow as object, { path: 'flow.json' }));
  checkDiagnostics(result.diagnostics, 'lintFlow(object)');
  return result.diagnostics;
}

function lintText(text: string, format: SourceFormat): void {
  const path = format === 'yaml' ? 'flow.yaml' : 'flow.json';
  const loaded = timed(`loadText(${format})`, () => loadText(text, { path, format }));
  for (const f of loaded.problems) {
    if (f.kind === 'syntax' && !(f.range.line >= 1 && f.range.column >= 1 && f.range.endLine >= f.range.line)) {
      throw new Error(`loader problem ${f.kind} has a bad range ${JSON.stringify(f.range)}`);
    }
  }
  const result = timed(`lintFlow(${format} text)`, () => lintFlow(text, { path, format }));
  checkDiagnostics(result.diagnostics, `lintFlow(${format} text)`);
}

const run = (property: fc.IProperty<never> | fc.IProperty<unknown[]>, numRuns: number) =>
  fc.assert(property as fc.IProperty<unknown[]>, { numRuns, interruptAfterTimeLimit: PROPERTY_BUDGET_MS });

// ---------------------------------------------------------------------------------------------
// Seeds: small valid flows that exercise every node kind, plus the repo's fixtures.

const NODE_TYPES = [
  'conversation', 'subagent', 'end', 'function', 'code', 'transfer_call', 'press_digit', 'branch', 'sms',
  'extract_dynamic_variables', 'agent_swap', 'mcp', 'component', 'bridge_transfer', 'cancel_transfer',
];
/** JSON can spell an object that String() and `${}` throw on ("Cannot convert object to primitive value"). */
const hostile = (): Json => ({ toString: null, valueOf: null });
const NASTY_IDS = ['', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a/b', '~1', '~0', '#', '{{x}}', '\u0000', '💈', 'start'];

function edge(id: string, to: string | undefined, prompt = 'Caller wants to continue with the booking'): Obj {
  const e: Obj = { id, transition_condition: { type: 'prompt', prompt } };
  if (to !== undefined) e.destination_node_id = to;
  return e;
}

/** Every node type, tools, a global node with go-back, a component with an exit, equations and variables. */
function richFlow(): Obj {
  return {
    conversation_flow_id: 'conversation_flow_rich',
    version: 3,
    start_speaker: 'agent',
    model_choice: { type: 'cascading', model: 'gpt-4.1' },
    global_prompt: 'You are the receptionist of {{salon_name}}.',
    default_dynamic_variables: { salon_name: 'Studio' },
    start_node_id: 'welcome',
    tools: [
      { type: 'custom', tool_id: 't_check', name: 'check_availability', url: 'https://x.example/check', response_variables: { slot: '$.slot' } },
      { type: 'custom', tool_id: 't_book', name: 'book_appointment', url: 'https://x.example/book' },
    ],
    nodes: [
      {
        id: 'welcome', type: 'conversation', name: 'Welcome',
        instruction: { type: 'static_text', text: 'Hello from {{salon_name}}!' },
        edges: [edge('e1', 'extract'), edge('e2', 'goodbye', 'Caller does not want to book')],
        skip_response_edge: edge('e-skip', 'extract', 'Skip response'),
      },
      {
        id: 'extract', type: 'extract_dynamic_variables', variables: [{ type: 'string', name: 'service', description: 'the service' }],
        edges: [edge('e3', 'check')], else_edge: edge('e3-else', 'check', 'Else'),
      },
      {
        id: 'check', type: 'function', tool_id: 't_check', tool_type: 'local', wait_for_result: true,
        edges: [{ id: 'e4', transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{slot}}', operator: 'exists' }] }, destination_node_id: 'route' }],
        else_edge: edge('e4-else', 'route', 'Else'),
      },
      {
        id: 'route', type: 'branch',
        edges: [{ id: 'e5', transition_condition: { type: 'equation', operator: '||', equations: [{ left: '{{service}}', operator: '==', right: 'haircut' }] }, destination_node_id: 'book' }],
        else_edge: edge('e5-else', 'sub', 'Else'),
      },
      { id: 'book', type: 'function', tool_id: 't_book', tool_type: 'local', wait_for_result: false, edges: [edge('e6', 'confirm_sms')] },
      { id: 'confirm_sms', type: 'sms', instruction: { type: 'static_text', text: 'Booked.' }, success_edge: edge('e7', 'comp', 'Sent successfully'), failed_edge: edge('e8', 'comp', 'Failed to send') },
      { id: 'comp', type: 'component', component_id: 'comp_faq', component_type: 'local', else_edge: edge('e9', 'code', 'Else') },
      { id: 'code', type: 'code', code: 'return 1', wait_for_result: true, edges: [edge('e10', 'digits')], else_edge: edge('e10-else', 'goodbye', 'Else') },
      { id: 'digits', type: 'press_digit', instruction: { type: 'prompt', text: 'Press 1' }, edges: [edge('e11', 'mcp')] },
      { id: 'mcp', type: 'mcp', mcp_id: 'm1', mcp_tool_name: 'lookup', wait_for_result: true, edges: [edge('e12', 'transfer')] },
      { id: 'transfer', type: 'transfer_call', transfer_destination: { type: 'predefined', number: '+15550100' }, transfer_option: { type: 'cold_transfer' }, edge: edge('e13', 'swap', 'Transfer failed') },
      { id: 'swap', type: 'agent_swap', agent_id: 'agent_x', post_call_analysis_setting: 'both_agents', edge: edge('e14', 'goodbye', 'Transfer failed') },
      {
        id: 'sub', type: 'subagent', instruction: { type: 'prompt', text: 'Help the caller.' }, tool_ids: ['t_check'],
        tools: [{ type: 'end_call', name: 'end_call' }], always_edge: edge('e15', 'goodbye', 'Always'),
      },
      {
        id: 'help', type: 'conversation', instruction: { type: 'prompt', text: 'Answer the question.' },
        global_node_setting: { condition: 'Caller asks for a human', go_back_conditions: [{ id: 'gb', transition_condition: { type: 'prompt', prompt: 'Question answered' } }] },
        edges: [edge('e16', 'transfer')],
      },
      { id: 'bridge', type: 'bridge_transfer' },
      { id: 'cancel', type: 'cancel_transfer' },
      { id: 'goodbye', type: 'end', instruction: { type: 'prompt', text: 'Say goodbye.' } },
    ],
    components: [
      {
        conversation_flow_component_id: 'comp_faq', name: 'FAQ', start_node_id: 'faq',
        tools: [{ type: 'custom', tool_id: 't_faq', name: 'faq_lookup', url: 'https://x.example/faq' }],
        nodes: [
          { id: 'faq', type: 'conversation', instruction: { type: 'prompt', text: 'Answer FAQs.' }, edges: [edge('c1', 'faq_fn')] },
          { id: 'faq_fn', type: 'function', tool_id: 't_faq', tool_type: 'local', wait_for_result: true, edges: [edge('c2', 'exit')] },
          { id: 'exit', type: 'end' },
        ],
      },
    ],
  };
}

function fixtureSeeds(): Json[] {
  const out: Json[] = [];
  for (const folder of ['valid', 'invalid', 'not-flows']) {
    const dir = new URL(`../fixtures/flows/${folder}/`, import.meta.url);
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        out.push(JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Json);
      } catch {
        // parse-error fixtures are not seeds for object mutation; the text properties cover them.
      }
    }
  }
  return out;
}

const SEEDS: Json[] = [baseFlow() as Json, richFlow(), { conversationFlow: richFlow(), agent_name: 'export' }, { items: [baseFlow() as Json, richFlow()] }, ...fixtureSeeds()];

// ---------------------------------------------------------------------------------------------
// Mutations: each is one small act of vandalism at a position chosen by fast-check.

/** A place a mutation can write to; `depth`: how many containers hold it (the root's own slots: 1). */
type Slot = { parent: Json[] | Obj; key: string | number; depth: number };

/** Every slot (object property or array element) in the value, iteratively. */
function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const stack: { v: Json; depth: number }[] = [{ v: root, depth: 1 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (Array.isArray(v)) v.forEach((c, i) => (out.push({ parent: v, key: i, depth }), stack.push({ v: c, depth: depth + 1 })));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) (out.push({ parent: v, key: k, depth }), stack.push({ v: v[k]!, depth: depth + 1 }));
  }
  return out;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects that sit in a `nodes` array anywhere (flow and components). */
function nodesOf(root: Json): { list: Json[]; node: Obj }[] {
  return slots(root)
    .filter((s) => s.key === 'nodes' && Array.isArray((s.parent as Obj)[s.key]))
    .flatMap((s) => {
      const list = (s.parent as Obj)[s.key as string] as Json[];
      return list.filter(isObj).map((node) => ({ list, node }));
    });
}

const EDGE_KEYS = ['else_edge', 'always_edge', 'skip_response_edge', 'edge', 'success_edge', 'failed_edge'];

function edgesOf(root: Json): Obj[] {
  const out: Obj[] = [];
  for (const { node } of nodesOf(root)) {
    if (Array.isArray(node.edges)) out.push(...node.edges.filter(isObj));
    for (const k of EDGE_KEYS) if (isObj(node[k])) out.push(node[k] as Obj);
  }
  return out;
}

function idsOf(root: Json): Json[] {
  return nodesOf(root).map(({ node }) => node.id ?? null);
}

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);

/** How deep deepNest lets a mutated value get (with the few levels `wrap` adds, still far from any stack limit). */
const MAX_DEPTH = 1_600;

function deep(depth: number, asArray: boolean): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { nodes: v };
  return v;
}

interface Mutation {
  kind: string;
  a: number;
  b: number;
  value: Json;
  text: string;
}

function mutate(root: Json, m: Mutation): Json {
  // A fresh copy at each use: a value inserted twice and then mutated must not become a cycle.
  const value = () => structuredClone(m.value);
  const all = slots(root);
  const slot = pick(all, m.a);
  const set = (s: Slot, v: Json) => ((s.parent as Obj)[s.key as string] = v);
  const nodes = nodesOf(root);
  const target = pick(nodes, m.a)?.node;
  const ids = idsOf(root);
  switch (m.kind) {
    case 'delete':
      if (slot) Array.isArray(slot.parent) ? slot.parent.splice(slot.key as number, 1) : delete slot.parent[slot.key as string];
      return root;
    case 'swapType':
      if (slot) set(slot, pick([null, 0, -1, 1.5, '', 'x', true, false, [], {}, [1, 'a'], { a: 1 }, hostile()], m.b)!);
      return root;
    case 'hostile':
      // Any value the code might print: String() and template literals throw on this object.
      if (slot) set(slot, hostile());
      return root;
    case 'null':
      if (slot) set(slot, null);
      return root;
    case 'randomValue':
      if (slot) set(slot, value());
      return root;
    case 'retarget': {
      const e = pick(edgesOf(root), m.a);
      if (e) e.destination_node_id = pick([...ids, ...NASTY_IDS, m.text, 42, null, value()], m.b)!;
      return root;
    }
    case 'unattach': {
      const e = pick(edgesOf(root), m.a);
      if (e) delete e.destination_node_id;
      return root;
    }
    case 'duplicateId': {
      const other = pick(nodes, m.b);
      if (target && other) {
        if (m.b % 2) other.node.id = target.id ?? null;
        else other.list.push(structuredClone(target));
      }
      return root;
    }
    case 'cycle': {
      // An edge back to an earlier node (or itself), on an edge field that may not exist on this type.
      const other = pick(nodes, m.b);
      if (target && other) {
        const e = edge(`cyc${m.b}`, typeof other.node.id === 'string' ? other.node.id : 'x', 'loop');
        const key = pick(['edges', ...EDGE_KEYS], m.b)!;
        if (key === 'edges') target.edges = [...(Array.isArray(target.edges) ? target.edges : []), e];
        else target[key] = e;
        if (m.b % 3 === 0) target.type = pick(['branch', 'function', 'code', 'extract_dynamic_variables'], m.a)!;
      }
      return root;
    }
    case 'hugeString': {
      const strings = all.filter((s) => typeof (s.parent as Obj)[s.key as string] === 'string');
      const s = pick(strings, m.a);
      const huge = pick(['x'.repeat(120_000), '{{'.repeat(20_000), '{{a}}'.repeat(10_000), `${m.text}\n`.repeat(5_000), '\u2028"\\'.repeat(10_000)], m.b)!;
      if (s) set(s, huge);
      return root;
    }
    case 'deepNest':
      // JSON.stringify (used by lintFlow for objects) overflows V8's stack past ~4,000 levels, and the
      // structuredClone of another mutation sooner (~3,000 in a test worker): the whole value stays within
      // MAX_DEPTH, also when this lands inside an earlier deep value.
      if (slot && slot.depth + 50 < MAX_DEPTH) set(slot, deep(Math.min(50 + (m.b % 1_500), MAX_DEPTH - slot.depth), m.a % 2 === 0));
      return root;
    case 'nonStringId':
      if (target) target.id = pick([1, 0, -1, null, true, [], {}, ['a'], { id: 'a' }, 1e308, hostile()], m.b)!;
      return root;
    case 'nastyId':
      if (target) target.id = pick(NASTY_IDS, m.b)!;
      if (isObj(root) && m.b % 2) root.start_node_id = pick(NASTY_IDS, m.a)!;
      return root;
    case 'nodeType':
      if (target) target.type = pick([...NODE_TYPES, 'unknown', '', 'END'], m.b)!;
      return root;
    case 'component': {
      // Component nodes pointing anywhere, including at the component they sit in.
      const comps = slots(root).filter((s) => s.key === 'components');
      const compIds = comps.flatMap((s) => {
        const list = (s.parent as Obj)[s.key as string];
        return Array.isArray(list) ? list.filter(isObj).map((c) => c.conversation_flow_component_id ?? c.component_id ?? null) : [];
      });
      if (target) {
        target.type = 'component';
        target.component_id = pick([...compIds, 'nope', m.text, 7], m.b)!;
        if (m.a % 2) delete target.else_edge;
      }
      return root;
    }
    case 'globalize':
      if (target) target.global_node_setting = pick([{ condition: m.text }, { condition: '', go_back_conditions: [edge('g', undefined)] }, { go_back_conditions: value() }, value(), []], m.b)!;
      return root;
    case 'toolRefs':
      if (target) {
        target.tool_id = pick(['t_check', 't_faq', 'missing', m.text, 3, null], m.b)!;
        target.tool_ids = pick([['t_check', 't_book', 't_faq'], [null, 1, {}], value(), 'not-a-list'], m.a)!;
      }
      return root;
    case 'wrap':
      return pick([{ conversationFlow: root }, { items: [root, root] }, [root], { conversation_flow: root }, { items: [] }, { response_engine: { type: 'conversation-flow' }, conversationFlow: root }] as Json[], m.b)!;
    default:
      return root;
  }
}

const MUTATION_KINDS = [
  'delete', 'swapType', 'null', 'randomValue', 'retarget', 'unattach', 'duplicateId', 'cycle', 'hugeString',
  'deepNest', 'nonStringId', 'nastyId', 'nodeType', 'component', 'globalize', 'toolRefs', 'wrap', 'hostile',
];

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...MUTATION_KINDS),
  a: fc.nat(),
  b: fc.nat(),
  value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  text: fc.string({ maxLength: 30 }),
});

// ---------------------------------------------------------------------------------------------
// Structured random flows: small id pools so edges, cycles, duplicates and components collide often.

const idArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY_IDS) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  { weight: 1, arbitrary: fc.constant(null).map(hostile) },
) as fc.Arbitrary<Json>;

const conditionArb: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ type: fc.constant('prompt'), prompt: fc.oneof(fc.string(), fc.constantFrom('Describe the transition condition', 'yes', '{{x}} said {{ y }}', '{{')) }),
  fc.record({
    type: fc.constant('equation'),
    operator: fc.constantFrom('&&', '||', 'xor', ''),
    equations: fc.array(
      fc.record(
        {
          left: fc.oneof(fc.constantFrom('{{a}}', 'a', '{{', '', '{{user_number}}'), fc.string()),
          operator: fc.constantFrom('==', '!=', '>', '>=', '<', '<=', 'contains', 'not_contains', 'exists', 'not_exist', '=', '=~'),
          right: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
        },
        { requiredKeys: ['left', 'operator'] },
      ),
      { maxLength: 3 },
    ),
  }),
  fc.jsonValue({ maxDepth: 2 }),
) as fc.Arbitrary<Json>;

const edgeArb: fc.Arbitrary<Json> = fc.record(
  { id: fc.oneof(fc.string({ maxLength: 4 }), idArb), destination_node_id: idArb, transition_condition: conditionArb },
  { requiredKeys: [] },
) as fc.Arbitrary<Json>;

const toolArb: fc.Arbitrary<Json> = fc.record(
  {
    type: fc.constantFrom('custom', 'end_call', 'transfer_call', 'agent_swap', 'code', 'send_sms', 'extract_dynamic_variable', 'weird'),
    tool_id: fc.constantFrom('t1', 't2', 't3', '', '__proto__'),
    name: fc.constantFrom('check_availability', 'book', 'book', 'constructor', ''),
    response_variables: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['type'] },
) as fc.Arbitrary<Json>;

const nodeArb: fc.Arbitrary<Json> = fc.record(
  {
    id: idArb,
    type: fc.constantFrom(...NODE_TYPES, 'weird'),
    name: fc.string({ maxLength: 10 }),
    instruction: fc.oneof(fc.record({ type: fc.constantFrom('prompt', 'static_text'), text: fc.string() }), fc.jsonValue({ maxDepth: 1 })),
    edges: fc.oneof(fc.array(edgeArb, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
    else_edge: edgeArb,
    always_edge: edgeArb,
    skip_response_edge: edgeArb,
    edge: edgeArb,
    success_edge: edgeArb,
    failed_edge: edgeArb,
    tool_id: fc.constantFrom('t1', 't2', 'missing', ''),
    tool_ids: fc.array(fc.oneof(fc.constantFrom('t1', 't2', 't9'), fc.jsonValue({ maxDepth: 0 })), { maxLength: 3 }),
    tools: fc.array(toolArb, { maxLength: 2 }),
    wait_for_result: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 0 })),
    component_id: fc.constantFrom('c1', 'c2', 'nope'),
    variables: fc.array(fc.record({ name: fc.string({ maxLength: 6 }), type: fc.constantFrom('string', 'number', 'enum') }), { maxLength: 2 }),
    global_node_setting: fc.oneof(
      fc.record({ condition: fc.oneof(fc.string(), fc.constant('')), go_back_conditions: fc.array(edgeArb, { maxLength: 2 }) }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: ['id', 'type'] },
) as fc.Arbitrary<Json>;

const componentArb: fc.Arbitrary<Json> = fc.record(
  {
    conversation_flow_component_id: fc.constantFrom('c1', 'c2', 'c1'),
    name: fc.string({ maxLength: 8 }),
    start_node_id: idArb,
    nodes: fc.array(nodeArb, { maxLength: 6 }),
    tools: fc.array(toolArb, { maxLength: 2 }),
  },
  { requiredKeys: ['nodes'] },
) as fc.Arbitrary<Json>;

const flowArb: fc.Arbitrary<Json> = fc.record(
  {
    start_node_id: idArb,
    start_speaker: fc.constantFrom('agent', 'user', 'nobody'),
    model_choice: fc.oneof(fc.constant({ type: 'cascading', model: 'gpt-4.1' }), fc.jsonValue({ maxDepth: 1 })),
    global_prompt: fc.string(),
    default_dynamic_variables: fc.oneof(fc.dictionary(fc.constantFrom('a', 'b', 'x'), fc.string({ maxLength: 4 })), fc.jsonValue({ maxDepth: 1 })),
    nodes: fc.array(nodeArb, { maxLength: 14 }),
    components: fc.oneof(fc.array(componentArb, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
    tools: fc.oneof(fc.array(toolArb, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: ['nodes'] },
) as fc.Arbitrary<Json>;

// ---------------------------------------------------------------------------------------------

describe('lint never throws, never hangs, and every finding has a position', () => {
  it('mutated valid flows', () => {
    run(
      fc.property(fc.nat(SEEDS.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 8 }), (seed, mutations) => {
        let flow: Json = structuredClone(SEEDS[seed]!);
        for (const m of mutations) flow = mutate(flow, m);
        lintObject(flow);
      }),
      1_500,
    );
  });

  it('mutations that nest deep values into deep values stay within the stack (a CI run found it: seed -1557938104)', () => {
    // Two deepNest mutations, the second inside the first, then a copy of the node that holds both:
    // structuredClone in the mutation itself overflowed the stack before lint ever ran.
    const mutations: Mutation[] = [
      { kind: 'delete', a: 845472392, b: 668626626, value: 1.1578031894375301e287, text: '1^;H' },
      { kind: 'deepNest', a: 379736067, b: 1538995470, value: [], text: 'V' },
      { kind: 'deepNest', a: 22065767, b: 2115950771, value: '-W%*e', text: 'w7' },
      { kind: 'wrap', a: 1708474496, b: 790835657, value: [-3.704924836716278e-279, 4.635972884558029e-248, null, 'Dk(#9Qp=I', 4.745833918505118e-120], text: 'n<Ky&]R}N' },
      { kind: 'duplicateId', a: 973220345, b: 227454996, value: 'mJ2[;Y97', text: '3Cw8~h' },
      { kind: 'delete', a: 1641429372, b: 1647242568, value: null, text: '6=PC' },
    ];
    let flow: Json = structuredClone(SEEDS[0]!);
    for (const m of mutations) flow = mutate(flow, m);
    lintObject(flow);
  });

  it('structured random flows (cycles, duplicates, components, globals), deterministically', () => {
    run(
      fc.property(flowArb, fc.array(mutationArb, { maxLength: 3 }), (generated, mutations) => {
        // Mutations work in place: never on a value fast-check may hand out again while shrinking.
        let flow = structuredClone(generated);
        for (const m of mutations) flow = mutate(flow, m);
        const first = lintObject(flow);
        // Same input, same findings in the same order: CI diffs and baselines depend on it.
        expect(lintObject(flow)).toEqual(first);
      }),
      1_500,
    );
  });

  it('arbitrary JSON, bare and in every wrapper the loader recognises', () => {
    const anyJson = fc.jsonValue({ maxDepth: 5 }) as fc.Arbitrary<Json>;
    run(
      fc.property(
        fc.oneof(
          anyJson,
          fc.record({ nodes: fc.array(anyJson, { maxLength: 6 }), start_node_id: anyJson, components: anyJson, tools: anyJson }),
          anyJson.map((v) => ({ conversationFlow: v })),
          fc.array(anyJson, { maxLength: 4 }).map((items) => ({ items })),
          fc.record({ response_engine: anyJson, retellLlmData: anyJson, call_id: anyJson, event: anyJson, call: anyJson }, { requiredKeys: [] }),
        ),
        (value) => {
          lintObject(value);
        },
      ),
      1_000,
    );
  });

  it('raw text: random bytes, random strings, truncated and corrupted JSON', () => {
    const seedText = fc.nat(SEEDS.length - 1).map((i) => JSON.stringify(SEEDS[i], null, 2));
    run(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.tuple(seedText, fc.nat()).map(([t, n]) => t.slice(0, n % (t.length + 1))),
          fc.tuple(seedText, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([t, n, s]) => {
            const at = n % (t.length + 1);
            return t.slice(0, at) + s + t.slice(at);
          }),
          fc.tuple(seedText, fc.nat(), fc.nat(20)).map(([t, n, k]) => {
            const at = n % (t.length + 1);
            return t.slice(0, at) + t.slice(at + k + 1);
          }),
          fc.constantFrom('', ' ', '\ufeff', '\ufeff{}', 'null', '[]', '[{}]', '{"nodes": null}', '{"nodes": [null]}', '1e999', '"\\ud800"', '{"a":1,"a":2}'),
        ),
        fc.constantFrom<SourceFormat>('json', 'yaml'),
        (text, format) => lintText(text, format),
      ),
      1_200,
    );
  });

  it('YAML: flows as YAML, truncated, corrupted, with anchors and aliases', () => {
    const seedYaml = fc.nat(SEEDS.length - 1).map((i) => toYaml(SEEDS[i]));
    run(
      fc.property(
        fc.oneof(
          seedYaml,
          fc.tuple(seedYaml, fc.nat()).map(([t, n]) => t.slice(0, n % (t.length + 1))),
          fc.tuple(seedYaml, fc.nat(), fc.constantFrom(':', '- ', '  ', '\t', '&a ', '*a', '!!binary ', '? ', '|', '>', '"', "'", '{', '[', '#', '---\n', '...\n')).map(([t, n, s]) => {
            const at = n % (t.length + 1);
            return t.slice(0, at) + s + t.slice(at);
          }),
          fc.constantFrom(
            'nodes: &n [{id: a, type: end}]\nstart_node_id: a\ncomponents: [{nodes: *n}]\n',
            'a: *missing\n',
            'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
            'nodes: !!set {a, b}\n',
            '? [a, b]\n: 1\n',
            'nodes:\n  - id: !!binary aGVsbG8=\n    type: end\n',
            '%YAML 1.1\n---\nnodes: []\n',
            '--- a\n--- b\n',
          ),
        ),
        (text) => lintText(text, 'yaml'),
      ),
      800,
    );
  });

  it('deep nesting in text: JSON to 100,000 levels, YAML to 5,000', () => {
    run(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('[', '{"nodes":', '{"conversationFlow":{"nodes":[', '{"nodes":[{"id":"a","edges":'), fc.boolean(), (depth, opener, yaml) => {
        const d = yaml ? Math.min(depth, 5_000) : depth;
        const closer = opener === '[' ? ']' : opener === '{"nodes":' ? '}' : opener.endsWith('[') ? ']}}' : '}]}';
        const body = opener === '[' ? '' : '[]';
        lintText(opener.repeat(d) + body + closer.repeat(d), yaml ? 'yaml' : 'json');
      }),
      40,
    );
  });
});

describe('YAML that once crashed the process', () => {
  it('two deeply nested YAML files in one process give parse errors, not a V8 abort', () => {
    const text = `nodes: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    for (let i = 0; i < 2; i++) {
      const { diagnostics } = lintFlow(text, { path: 'deep.yaml', format: 'yaml' });
      expect(diagnostics.map((d) => [d.ruleId, d.line, d.column])).toEqual([['parse-error', 1, 8 + 256]]);
    }
  });

  it('an alias bomb is a parse error, not a thrown ReferenceError', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const { diagnostics } = lintFlow(bomb, { path: 'bomb.yaml', format: 'yaml' });
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['parse-error']);
    expect(diagnostics[0]!.message).toMatch(/alias/i);
  });
});
