import type { ChangeKindId, DiffSeverity } from './kinds.js';
import type { WordPart } from './words.js';

/** One change between two versions: data, so every format and the exit code read the same thing. */
export interface Change {
  kind: ChangeKindId;
  /** Severity after config overrides, unreachable parts and usage. */
  severity: DiffSeverity;
  /** The kind's default severity, before any adjustment. */
  defaultSeverity: DiffSeverity;
  /** Identity key of what changed: flow/identity.ts keys for nodes and edges, `tool:<id>`, `agent`... */
  target: string;
  /** Which flow (its conversation_flow_id or its place in the file) when the inputs hold several. */
  flow?: string;
  /** The node the change is in, for grouping in reports. */
  node?: { key: string; id: string; label: string };
  /** One line a reviewer reads. */
  message: string;
  /** The field that changed, as a dotted path from the target (`instruction.text`, `parameters.date`). */
  field?: string;
  before?: unknown;
  after?: unknown;
  /** Word-level diff for prompt texts. */
  words?: WordPart[];
  /** Why the severity moved, and other facts: `unreachable in b`, `handler book_appointment`. */
  notes?: string[];
  /** The tool's name, for changes to a tool (what recorded function calls name). */
  tool?: string;
  /** Set by --usage: recorded calls went through this node or called this tool. */
  hot?: boolean;
}
