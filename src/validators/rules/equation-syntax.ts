import { isRaw, label, type GraphEdge, type Raw } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { suggest } from '../../util/suggest.js';
import { defineRule, type Report } from '../rule.js';

const OPERATORS = ['==', '!=', '>', '>=', '<', '<=', 'contains', 'not_contains', 'exists', 'not_exist'] as const;
const UNARY: ReadonlySet<string> = new Set(['exists', 'not_exist']);
const NUMERIC: ReadonlySet<string> = new Set(['>', '>=', '<', '<=']);

// Spellings people reach for from other languages and tools.
const ALIASES: Record<string, string> = {
  '=': '==',
  '===': '==',
  eq: '==',
  equals: '==',
  is: '==',
  '!==': '!=',
  '<>': '!=',
  ne: '!=',
  not_equals: '!=',
  gt: '>',
  gte: '>=',
  '=>': '>=',
  lt: '<',
  lte: '<=',
  '=<': '<=',
  includes: 'contains',
  not_includes: 'not_contains',
  does_not_contain: 'not_contains',
  exist: 'exists',
  is_set: 'exists',
  not_exists: 'not_exist',
  is_empty: 'not_exist',
  and: '&&',
  or: '||',
  all: '&&',
  any: '||',
};

function closest(op: string, candidates: readonly string[]): string | undefined {
  const alias = ALIASES[op.trim().toLowerCase()];
  if (alias && candidates.includes(alias)) return alias;
  return suggest(op.trim(), candidates);
}

function where(edge: GraphEdge): string {
  return edge.kind === 'go-back' ? `go-back condition of ${label(edge.from)}` : `${edge.kind === 'normal' ? 'edge' : `${edge.kind} edge`} of ${label(edge.from)}`;
}

function condPointer(edge: GraphEdge): string {
  return join(edge.pointer, 'transition_condition');
}

function equationPointer(edge: GraphEdge, i: number): string {
  return join(edge.pointer, 'transition_condition', 'equations', i);
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

export default defineRule({
  id: 'equation-syntax',
  meta: {
    description: 'Equation conditions that Retell cannot evaluate as meant: unknown operators, missing or extra operands, a bare name where {{variable}} is meant, no equations at all.',
    defaultSeverity: 'error',
    fixable: true,
    messages: {
      noEquations: '{{where}} is an equation condition without equations{{found}}: it can never be true (add at least one {left, operator, right})',
      badCombiner: '{{where}} combines its equations with "{{operator}}", which is not && (ALL) or || (ANY){{didYouMean}}',
      notAnEquation: 'equation {{index}} of {{where}} is not an object {left, operator, right}',
      missingLeft: 'equation {{index}} of {{where}} has no left side: write the variable to test, e.g. {{example}}',
      badOperator: 'equation {{index}} of {{where}} uses the operator "{{operator}}"; Retell knows == != > >= < <= contains not_contains exists not_exist{{didYouMean}}',
      missingRight: 'equation {{index}} of {{where}} ({{left}} {{operator}}) has no right side to compare with (only exists and not_exist take none)',
      unexpectedRight: 'equation {{index}} of {{where}} gives "{{right}}" as right side, but {{operator}} takes none: Retell ignores it (remove it, or use == to compare)',
      bareName:
        'equation {{index}} of {{where}} tests "{{left}}", which is the literal text, not the variable: write {{braced}} (Retell substitutes only {{ }} references)',
      notANumber: 'equation {{index}} of {{where}} compares {{left}} {{operator}} "{{right}}", but "{{right}}" is not a number',
    },
  },
  check({ graph, report }) {
    // Most equations are well formed: the strings for messages, and the pointers, are built when one
    // is reported (no closure or pointer an equation edge).
    const put = (edge: GraphEdge, r: Omit<Parameters<typeof report>[0], 'edge'>) => report({ ...r, edge });
    const edges = graph.edges;
    for (let k = 0; k < edges.length; k++) {
      const c = edges[k]!.condition;
      if (c && c.type === 'equation') checkEquationEdge(edges[k]!, c, put);
    }
  },
});

type EquationMessage = 'noEquations' | 'badCombiner' | 'notAnEquation' | 'missingLeft' | 'badOperator' | 'missingRight' | 'unexpectedRight' | 'bareName' | 'notANumber';
type Put = (edge: GraphEdge, r: Omit<Report<EquationMessage>, 'edge'>) => void;

/**
 * One equation edge. A function of its own, called once an edge, rather than the loop's body: V8
 * optimises a function that many calls make hot, but not a loop that runs once (the CLI turns
 * on-stack replacement off for mid-sized files).
 */
function checkEquationEdge(edge: GraphEdge, c: Raw, put: Put): void {
  if (!Array.isArray(c.equations) || c.equations.length === 0) {
    // Hand-written flows invent {left_side, right_side}; say so, it is the likely mix-up.
    const invented = ['left', 'left_side', 'right_side', 'variable', 'value'].filter((k) => k in c);
    put(edge, {
      messageId: 'noEquations',
      data: { where: where(edge), found: invented.length ? ` (found ${invented.join(', ')} directly on the condition; Retell reads only equations[])` : '' },
      pointer: Array.isArray(c.equations) ? join(condPointer(edge), 'equations') : condPointer(edge),
    });
    return;
  }
  if (c.operator !== '&&' && c.operator !== '||' && !(c.operator === undefined && c.equations.length === 1)) {
    const near = typeof c.operator === 'string' ? closest(c.operator, ['&&', '||']) : undefined;
    put(edge, {
      messageId: 'badCombiner',
      data: { where: where(edge), operator: show(c.operator), didYouMean: near ? `: did you mean "${near}"?` : '' },
      pointer: c.operator === undefined ? condPointer(edge) : join(condPointer(edge), 'operator'),
    });
  }

  const equations: unknown[] = c.equations;
  for (let i = 0; i < equations.length; i++) {
    const eq = equations[i];
    const index = i + 1;
    if (!isRaw(eq)) {
      put(edge, { messageId: 'notAnEquation', data: { index, where: where(edge) }, pointer: equationPointer(edge, i) });
      continue;
    }
    const left = typeof eq.left === 'string' ? eq.left.trim() : '';
    if (!left) {
      put(edge, { messageId: 'missingLeft', data: { index, where: where(edge), example: '{{appointment_date}}' }, pointer: 'left' in eq ? join(equationPointer(edge, i), 'left') : equationPointer(edge, i) });
    } else if (!left.includes('{{')) {
      // Every dashboard export writes {{name}} here, and Retell's docs do too ("{{user_name}} exists").
      put(edge, { messageId: 'bareName', data: { index, where: where(edge), left, braced: `{{${left}}}` }, pointer: join(equationPointer(edge, i), 'left'), fix: { action: 'replace-value', value: `{{${left}}}` } });
    }

    const op = eq.operator;
    if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
      const near = typeof op === 'string' ? closest(op, OPERATORS) : undefined;
      put(edge, {
        messageId: 'badOperator',
        data: { index, where: where(edge), operator: show(op ?? ''), didYouMean: near ? `: did you mean "${near}"?` : '' },
        pointer: 'operator' in eq ? join(equationPointer(edge, i), 'operator') : equationPointer(edge, i),
        // "=" is always meant as "==": the one operator fix that cannot change what the agent does.
        ...(op === '=' ? { fix: { action: 'replace-value' as const, value: '==' } } : {}),
      });
      continue;
    }
    const shownLeft = left || '(left)';
    const right = eq.right;
    if (UNARY.has(op)) {
      if (right !== undefined && right !== null && right !== '') {
        put(edge, { messageId: 'unexpectedRight', data: { index, where: where(edge), right: show(right), operator: op }, pointer: join(equationPointer(edge, i), 'right'), severity: 'warning' });
      }
      continue;
    }
    if (right === undefined || right === null) {
      put(edge, { messageId: 'missingRight', data: { index, where: where(edge), left: shownLeft, operator: op }, pointer: equationPointer(edge, i) });
      continue;
    }
    // show(), not String(): a non-string right side can be any JSON, even an object String() throws on.
    const r = typeof right === 'string' ? right.trim() : show(right);
    if (NUMERIC.has(op) && !r.includes('{{') && (r === '' || !Number.isFinite(Number(r)))) {
      put(edge, { messageId: 'notANumber', data: { index, where: where(edge), left: shownLeft, operator: op, right: show(right) }, pointer: join(equationPointer(edge, i), 'right'), severity: 'warning' });
    }
  }
}
