import type { z } from 'zod';
import type { DiagnosticData, Severity } from '../diagnostic.js';
import type { FlowAnalysis } from '../flow/analysis.js';
import type { FlowGraph, GraphEdge, GraphNode } from '../flow/graph.js';
import type { Span } from '../flow/source.js';

export interface RuleMeta<MessageId extends string = string> {
  /** One sentence: what the rule finds. Shown by --list-rules and in SARIF. */
  description: string;
  defaultSeverity: Severity;
  /** messageId -> text with {{placeholders}} filled from the report's data. */
  messages: Record<MessageId, string>;
  /** zod schema of the rule's options, validated when config is loaded. */
  options?: z.ZodType;
  /** Findings made by the loader, not by check(): parse-error, not-a-flow, parts of schema. */
  reportedByLoader?: boolean;
  /**
   * About the file's shape, which Retell's API checks everywhere: reported inside components no call
   * can run too. Other rules' findings there are dropped: such a component is one component-exit
   * "unused" warning, not a dead end per stub node.
   */
  structural?: boolean;
  /** Some of its findings carry a mechanical fix (--fix, --fix-dry-run); --list-rules and the docs say so. */
  fixable?: boolean;
}

/** Settings that come from config and flags, visible to every rule. */
export interface LintSettings {
  /** Tool names that some reachable node must be able to call (config lint.requiredFunctions). */
  requiredFunctions: string[];
  /** Dynamic variables the team passes per call, declared in config (lint.variables). */
  variables: string[];
  /** Tool names whose handlers are safe to run twice (functions with idempotent: true, lint.idempotentFunctions). */
  idempotentFunctions: string[];
}

export interface Report<MessageId extends string = string> {
  /** A key of the rule's meta.messages: defineRule makes any other id a type error. */
  messageId: MessageId;
  data?: DiagnosticData;
  /** Absolute JSON pointer in the file. Defaults to the node's or edge's pointer. */
  pointer?: string;
  /**
   * When the pointer names a string: the part of it the finding is about (e.g. one `{{variable}}` of a
   * long prompt). The position narrows to that part where the file shows it as written.
   */
  span?: Span;
  node?: GraphNode;
  edge?: GraphEdge;
  /** Overrides the rule's default severity for this finding (a config severity still wins). */
  severity?: Severity;
  hint?: string;
  /** Members of the region the finding is about: the engine gives each a position (SARIF relatedLocations). */
  related?: readonly GraphNode[];
  /** A mechanical fix at the report's pointer that cannot change what the agent does (--fix). */
  fix?: Fix;
}

/**
 * Text edits --fix makes, at the report's pointer (or at `at`, when the value to edit is not the one
 * the finding points at, e.g. a node's type for a finding about its tools): replace a scalar value,
 * or rename the key that holds it.
 */
export type Fix = ({ action: 'replace-value'; value: string } | { action: 'rename-key'; to: string }) & { at?: string };

export interface RuleContext<MessageId extends string = string> {
  readonly file: string;
  readonly graph: FlowGraph;
  readonly analysis: FlowAnalysis;
  readonly settings: LintSettings;
  /** The rule's options after validation by meta.options (undefined when none). */
  readonly options: unknown;
  /**
   * The JSON text of the whole file the flow came from (undefined for YAML and for flows given as
   * values), for a quick reject: a rule may skip a walk when the text shows it can find nothing.
   * Findings still come from the parsed flow and their positions from pointers.
   */
  readonly text?: string;
  report(report: Report<MessageId>): void;
}

/** A rule; `Rule` alone (any message ids) is what lists and the registry hold. */
export interface Rule<MessageId extends string = string> {
  id: string;
  meta: RuleMeta<MessageId>;
  check(context: RuleContext<MessageId>): void;
}

/** The message ids of a rule made by defineRule. */
export type MessageIdOf<R> = R extends Rule<infer MessageId> ? MessageId : never;

/**
 * Declare a rule. The message ids are read from meta.messages, so `report({ messageId: 'typo' })`
 * does not compile (at run time the engine turns an unknown id into an internal-error finding).
 */
export function defineRule<const MessageId extends string>(rule: Rule<MessageId>): Rule<MessageId> {
  return rule;
}
