/**
 * Every kind of change `retell-kit diff` reports, in one table: its id (stable, what config and
 * --format json name), its default severity and what it means. Severities say what a change can do to
 * live calls: `breaking` can strand a caller or break a handler, `warning` changes what the agent says
 * or decides, `info` changes nothing a caller notices. docs/diff.md lists this table (a test checks).
 */
export type DiffSeverity = 'breaking' | 'warning' | 'info';

export const DIFF_SEVERITIES: readonly DiffSeverity[] = ['breaking', 'warning', 'info'];

export interface ChangeKind {
  severity: DiffSeverity;
  /** What the change is, for docs and --list-changes. */
  summary: string;
}

export const CHANGE_KINDS = {
  // Flow and components
  'flow-added': { severity: 'info', summary: 'b holds a flow a does not (files with several flows, matched by conversation_flow_id).' },
  'flow-removed': { severity: 'breaking', summary: 'a holds a flow b does not.' },
  'start-node-changed': { severity: 'breaking', summary: 'The flow (or a component) starts at a different node.' },
  'start-speaker-changed': { severity: 'warning', summary: 'Who speaks first (agent or user) changed.' },
  'global-prompt-changed': { severity: 'warning', summary: 'The global prompt text changed (word-level diff).' },
  'flow-setting-changed': { severity: 'warning', summary: 'A flow-wide setting changed: model, temperature, knowledge bases, default variables, silence timing.' },
  'component-added': { severity: 'info', summary: 'A local component was added.' },
  'component-removed': { severity: 'breaking', summary: 'A local component was removed.' },
  'component-setting-changed': { severity: 'warning', summary: 'A component setting (name, its own settings) changed.' },
  // Nodes
  'node-added': { severity: 'info', summary: 'A node was added.' },
  'node-removed': { severity: 'breaking', summary: 'A node was removed: calls that reached it now go elsewhere or nowhere.' },
  'node-type-changed': { severity: 'breaking', summary: 'A node changed type (e.g. conversation to function).' },
  'node-migrated': { severity: 'warning', summary: 'A node or setting moved to its newer form with the same meaning: a conversation node with tools became a subagent with the same tools, model_choice became the new model settings, SMS content became text.' },
  'node-renamed': { severity: 'info', summary: 'A node\'s display name changed.' },
  'node-instruction-changed': { severity: 'warning', summary: 'What a node says or is told (instruction prompt or static text) changed (word-level diff).' },
  'node-tool-changed': { severity: 'breaking', summary: 'A node calls a different tool (function node tool_id, subagent tool_ids).' },
  'node-setting-changed': { severity: 'warning', summary: 'A node setting changed: model, interruption sensitivity, STT mode, wait for result, speak during execution, variables to extract, component, transfer destination...' },
  'global-node-changed': { severity: 'warning', summary: 'When a global node is entered changed: it became or stopped being global, or its entry condition changed.' },
  // Edges
  'edge-added': { severity: 'warning', summary: 'A transition was added.' },
  'edge-removed': { severity: 'breaking', summary: 'A transition was removed.' },
  'edge-rewired': { severity: 'breaking', summary: 'A transition now goes to a different node (one change, by the edge\'s identity).' },
  'condition-changed': { severity: 'warning', summary: 'A transition\'s condition changed: word-level for prompts, structural for equations.' },
  // Tools
  'tool-added': { severity: 'info', summary: 'A tool was added.' },
  'tool-removed': { severity: 'breaking', summary: 'A tool was removed.' },
  'tool-endpoint-changed': { severity: 'breaking', summary: 'A tool\'s URL, HTTP method, a header or a query parameter changed: Retell calls somewhere else, or otherwise (header values are never shown).' },
  'tool-timeout-changed': { severity: 'warning', summary: 'A tool\'s timeout_ms or max_retry changed.' },
  'tool-parameter-removed': { severity: 'breaking', summary: 'A tool argument was removed: a handler that reads it gets nothing.' },
  'tool-parameter-required': { severity: 'breaking', summary: 'A tool argument became required (or a required one was added): the handler\'s contract changed.' },
  'tool-parameter-type-changed': { severity: 'breaking', summary: 'A tool argument changed type (or its allowed values).' },
  'tool-parameter-added': { severity: 'info', summary: 'An optional tool argument was added.' },
  'tool-parameter-optional': { severity: 'warning', summary: 'A required tool argument became optional: the handler may now get none.' },
  'tool-setting-changed': { severity: 'info', summary: 'Another tool setting changed: description, name, speak during execution, response variables, headers.' },
  // Agents
  'agent-voice-changed': { severity: 'warning', summary: 'The agent\'s voice or voice settings changed.' },
  'agent-language-changed': { severity: 'breaking', summary: 'The agent\'s language changed.' },
  'agent-webhook-changed': { severity: 'breaking', summary: 'The agent\'s webhook URL (or its events) changed: call events go elsewhere.' },
  'agent-timing-changed': { severity: 'warning', summary: 'An agent timeout changed: silence, max call duration, ring duration, webhook timeout, begin delay.' },
  'agent-engine-changed': { severity: 'breaking', summary: 'The agent runs a different response engine (another flow or LLM, or another pinned version).' },
  'agent-analysis-field-removed': { severity: 'breaking', summary: 'A post-call analysis field was removed: whatever reads call_analyzed loses it.' },
  'agent-analysis-field-added': { severity: 'info', summary: 'A post-call analysis field was added.' },
  'agent-analysis-field-changed': { severity: 'warning', summary: 'A post-call analysis field (or analysis prompt) changed.' },
  'agent-setting-changed': { severity: 'info', summary: 'Another agent setting changed: name, backchannel, ambient sound, data storage...' },
  // Lint delta
  'lint-finding-introduced': { severity: 'warning', summary: 'b has a lint finding a does not: an error is breaking, a warning a warning, an info an info.' },
  'lint-finding-fixed': { severity: 'info', summary: 'a had a lint finding b no longer has.' },
} as const satisfies Record<string, ChangeKind>;

export type ChangeKindId = keyof typeof CHANGE_KINDS;

export const CHANGE_KIND_IDS = Object.keys(CHANGE_KINDS) as ChangeKindId[];

export function isChangeKind(id: string): id is ChangeKindId {
  return Object.hasOwn(CHANGE_KINDS, id);
}

const rank: Record<DiffSeverity, number> = { breaking: 0, warning: 1, info: 2 };

export function severityRank(s: DiffSeverity): number {
  return rank[s];
}

/** One level lower (unused parts); info stays info. */
export function lower(s: DiffSeverity): DiffSeverity {
  return s === 'breaking' ? 'warning' : 'info';
}

/** `--fail-on any` fails on info too. */
export type FailOn = DiffSeverity | 'any';

export function meetsThreshold(s: DiffSeverity, failOn: FailOn): boolean {
  if (failOn === 'any') return true;
  return rank[s] <= rank[failOn];
}
