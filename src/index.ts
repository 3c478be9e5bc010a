// The public programmatic API. Commands are thin wrappers around these.
export type { Diagnostic, Severity, SeverityCounts } from './diagnostic.js';
export { compareDiagnostics, countBySeverity } from './diagnostic.js';
export { KitError, ExitCode } from './errors.js';
export { loadText as loadFlowText, loadFile as loadFlow, findFlows } from './flow/load.js';
export type { LoadedFile, FlowInput } from './flow/load.js';
export { buildGraph } from './flow/graph.js';
export type { FlowGraph, GraphNode, GraphEdge, Scope, ToolDef, EdgeKind } from './flow/graph.js';
export { FlowAnalysis } from './flow/analysis.js';
export { lintFlow, lintFiles, resolveLintOptions } from './validators/lint.js';
export type { FileResult, LintOptions, RuleSetting } from './validators/lint.js';
export { listRules } from './validators/engine.js';
export type { Rule, RuleMeta, RuleContext } from './validators/rule.js';
export { defineConfig, loadConfig } from './config/load.js';
export type { RetellKitConfig } from './config/schema.js';
