/**
 * What Retell does with each node type, in one table: rules and the graph look facts up here instead
 * of keeping their own lists of type names. test/flow/node-types.test.ts fails when the SDK's node
 * union (schemas/conversation-flow.schema.json) gains a type this table does not describe.
 */

/** Every way a node can hand the call on. Rules switch on this, never on raw field names. */
export type EdgeKind =
  | 'normal' // edges[]
  | 'else' // else_edge
  | 'always' // always_edge
  | 'skip-response' // skip_response_edge
  | 'transfer-failed' // transfer_call.edge
  | 'swap-failed' // agent_swap.edge
  | 'sms-success' // sms.success_edge
  | 'sms-failed' // sms.failed_edge
  | 'go-back'; // global_node_setting.go_back_conditions[] (returns to the previous node; no destination)

/** An edge a node type must have for an outcome that is not the happy path (or a second outcome, for SMS). */
export interface FailureEdge {
  /** The node's field that holds it. */
  field: 'edge' | 'success_edge' | 'failed_edge';
  kind: Extract<EdgeKind, 'transfer-failed' | 'swap-failed' | 'sms-success' | 'sms-failed'>;
}

export interface NodeTypeFacts {
  /** Ends or hands off the call by itself (transfers and swaps: when they succeed). */
  terminal: boolean;
  /** Has no outgoing edges by design: Retell writes an empty edges list and follows none. */
  edgeless: boolean;
  /** Speaks and then waits for the caller before any transition. */
  waitsForCaller: boolean;
  /** Makes one call (tool, code, MCP) and may wait for its result (wait_for_result). */
  callsTool: boolean;
  /** Where the node names the tools it can call: a function node's tool_id, a subagent's tool_ids. */
  toolRefs?: 'tool_id' | 'tool_ids';
  /** Where the variables its call writes are declared: on the node itself, or on the tool it calls. */
  responseVariables?: 'node' | 'tool';
  /** Writes variables of its own (`variables[]` of an extract node). */
  extractsVariables: boolean;
  /** Carries inline tools of its own (`tools[]`), which the LLM may pick, end and transfer tools included. */
  inlineTools: boolean;
  /** Runs a local component (`component_id`) and continues when it exits. */
  entersComponent: boolean;
  /** Inside a component, ends the component (the dashboard's "Exit Component") rather than the call. */
  exitsComponent: boolean;
  /** Edges Retell requires for the outcomes it cannot leave implicit. */
  failureEdges: readonly FailureEdge[];
  /** Retell requires an else_edge: the node decides once, so "no match" needs somewhere to go. */
  needsElse: boolean;
  /** Edge kinds Retell follows on this type; any other kind written on it is ignored. */
  follows: ReadonlySet<EdgeKind>;
}

const kinds = (...list: EdgeKind[]): ReadonlySet<EdgeKind> => new Set<EdgeKind>(list);

// Every type can be a global node, and a global node's go-back conditions apply whatever its type.
const TALKING = kinds('normal', 'else', 'always', 'skip-response', 'go-back');
const DECIDING = kinds('normal', 'else', 'go-back');
const NONE = kinds('go-back');

// Every row has every key, in this order (the optional ones too, as undefined): all rows then share one
// shape, so a rule's read of node.facts.x sees one object layout instead of one per combination of keys.
const base: NodeTypeFacts = {
  terminal: false,
  edgeless: false,
  waitsForCaller: false,
  callsTool: false,
  toolRefs: undefined,
  responseVariables: undefined,
  extractsVariables: false,
  inlineTools: false,
  entersComponent: false,
  exitsComponent: false,
  failureEdges: [],
  needsElse: false,
  follows: DECIDING,
};

/** Keyed by Retell's node `type`. */
export const NODE_TYPES: Readonly<Record<string, NodeTypeFacts>> = {
  conversation: { ...base, waitsForCaller: true, follows: TALKING },
  subagent: { ...base, waitsForCaller: true, toolRefs: 'tool_ids', inlineTools: true, follows: TALKING },
  press_digit: { ...base, waitsForCaller: true },
  // A component node waits inside its component; on exit it decides once, like a branch.
  component: { ...base, waitsForCaller: true, entersComponent: true, needsElse: true },
  function: { ...base, callsTool: true, toolRefs: 'tool_id', responseVariables: 'tool' },
  code: { ...base, callsTool: true, responseVariables: 'node' },
  mcp: { ...base, callsTool: true, responseVariables: 'node' },
  extract_dynamic_variables: { ...base, extractsVariables: true },
  branch: { ...base, needsElse: true },
  sms: {
    ...base,
    failureEdges: [
      { field: 'success_edge', kind: 'sms-success' },
      { field: 'failed_edge', kind: 'sms-failed' },
    ],
    follows: kinds('sms-success', 'sms-failed', 'go-back'),
  },
  transfer_call: { ...base, terminal: true, failureEdges: [{ field: 'edge', kind: 'transfer-failed' }], follows: kinds('transfer-failed', 'go-back') },
  agent_swap: { ...base, terminal: true, failureEdges: [{ field: 'edge', kind: 'swap-failed' }], follows: kinds('swap-failed', 'go-back') },
  end: { ...base, terminal: true, edgeless: true, exitsComponent: true, follows: NONE },
  bridge_transfer: { ...base, terminal: true, edgeless: true, follows: NONE },
  cancel_transfer: { ...base, terminal: true, edgeless: true, follows: NONE },
};

/**
 * The row for a type Retell does not have (a typo, a type newer than our SDK, no type at all): it
 * claims nothing, so it neither ends the call nor waits, and every edge written on it counts.
 */
export const UNKNOWN_NODE_TYPE: NodeTypeFacts = {
  ...base,
  follows: kinds('normal', 'else', 'always', 'skip-response', 'transfer-failed', 'swap-failed', 'sms-success', 'sms-failed', 'go-back'),
};

// A Map: every rule asks for every node's row, and a lookup by a string JSON.parse made (not
// internalised) costs a string-table probe on an object, but only a cached hash on a Map.
const BY_TYPE: ReadonlyMap<string, NodeTypeFacts> = new Map(Object.entries(NODE_TYPES));

export function nodeType(type: string): NodeTypeFacts {
  return BY_TYPE.get(type) ?? UNKNOWN_NODE_TYPE;
}

/** Inline subagent tools that end or hand off the call. */
export const TERMINAL_TOOL_TYPES: ReadonlySet<string> = new Set(['end_call', 'transfer_call', 'agent_swap', 'bridge_transfer', 'cancel_transfer']);
