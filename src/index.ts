// The public programmatic API. Commands are thin wrappers around these.
// Lint and config authoring only: nothing imported here loads the server or SQLite (a test checks).
// The server, its store and their types are in 'retell-kit/server' (src/server/index.ts).
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
export { defineFunction } from './handlers/define.js';
export type { FunctionDefinition, Tenant } from './handlers/define.js';
export type { WebhookEvent, WebhookEventName, CallInbound, InboundResponse } from './retell/wire.js';
export type { FunctionContext, WebhookContext, InboundContext, HandlerStore } from './handlers/context.js';
export { sign, verify } from './retell/signature.js';
export type { VerifyResult, SignatureFailure } from './retell/signature.js';
// Calls and recordings: the one transcript parser and the versioned recording reader.
export { parseTranscript, parseCallTranscript, callFrom } from './retell/transcript.js';
export type { ParsedTranscript, CallTranscript, TranscriptToolCall, ToolCallResult, ToolCallStatus, ToolKind, NodeTransition } from './retell/transcript.js';
export { readRecording, loadRecording, RECORDING_VERSION } from './retell/recording.js';
export type { Recording, RecordedEvent, RecordedFunctionCall } from './retell/recording.js';
// Stable keys of scopes, nodes and edges (what baselines and diffs match on), and the keys handlers see.
export { scopeKey, nodeKey, edgeKey, keysOf } from './flow/identity.js';
export { functionCallKey, canonicalJson } from './handlers/keys.js';
