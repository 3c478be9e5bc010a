import type { Rule } from './rule.js';
import branchNeedsElse from './rules/branch-needs-else.js';
import componentExit from './rules/component-exit.js';
import equationSyntax from './rules/equation-syntax.js';
import failurePath from './rules/failure-path.js';
import globalNodeCondition from './rules/global-node-condition.js';
import internalError from './rules/internal-error.js';
import maxRetryIdempotent from './rules/max-retry-idempotent.js';
import noDanglingEdge from './rules/no-dangling-edge.js';
import noDeadEnd from './rules/no-dead-end.js';
import noDuplicateId from './rules/no-duplicate-id.js';
import noMissingTool from './rules/no-missing-tool.js';
import noSilentLoop from './rules/no-silent-loop.js';
import noTrap from './rules/no-trap.js';
import noUndefinedVariable from './rules/no-undefined-variable.js';
import noUnconnectedEdge from './rules/no-unconnected-edge.js';
import noUnreachableNode from './rules/no-unreachable-node.js';
import noUnusedTool from './rules/no-unused-tool.js';
import noVagueTransition from './rules/no-vague-transition.js';
import notAFlow from './rules/not-a-flow.js';
import parseError from './rules/parse-error.js';
import promptLimits from './rules/prompt-limits.js';
import requiredFunctions from './rules/required-functions.js';
import resultNeedsElse from './rules/result-needs-else.js';
import retellDeprecation from './rules/retell-deprecation.js';
import schema from './rules/schema.js';
import startNode from './rules/start-node.js';
import toolNamedBuiltin from './rules/tool-named-builtin.js';
import unknownProperty from './rules/unknown-property.js';
import waitForResult from './rules/wait-for-result.js';

/** Every rule, sorted by id. A rule missing here is a compile error in its tests, not a silent gap. */
const all: Rule[] = [
  branchNeedsElse,
  componentExit,
  equationSyntax,
  failurePath,
  globalNodeCondition,
  internalError,
  maxRetryIdempotent,
  noDanglingEdge,
  noDeadEnd,
  noDuplicateId,
  noMissingTool,
  noSilentLoop,
  noTrap,
  noUndefinedVariable,
  noUnconnectedEdge,
  noUnreachableNode,
  noUnusedTool,
  noVagueTransition,
  notAFlow,
  parseError,
  promptLimits,
  requiredFunctions,
  resultNeedsElse,
  retellDeprecation,
  schema,
  startNode,
  toolNamedBuiltin,
  unknownProperty,
  waitForResult,
];

export const rules: ReadonlyMap<string, Rule> = new Map(all.map((rule) => [rule.id, rule]));
