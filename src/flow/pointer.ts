/** JSON pointer (RFC 6901) helpers. */

export function escapeToken(token: string | number): string {
  // Pointers are built for every node, edge and string of a flow: skip the regexes when there is nothing to escape.
  if (typeof token === 'number') return String(token);
  return token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Append tokens to a pointer: join('/nodes', 3, 'edges') === '/nodes/3/edges'. */
export function join(base: string, ...tokens: (string | number)[]): string {
  let out = base;
  // Indexed: called for many nodes and edges, mostly cold, where a for...of runs the iterator protocol.
  for (let i = 0; i < tokens.length; i++) out += '/' + escapeToken(tokens[i]!);
  return out;
}

export function split(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

export function parent(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

/** Read the value at a pointer, or undefined when any step is missing. */
export function get(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const token of split(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}
