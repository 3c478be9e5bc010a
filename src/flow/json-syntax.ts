/**
 * Find the first JSON syntax error and say what was expected. Only runs after JSON.parse failed:
 * V8's messages do not always carry a position ("Unexpected token ',', ... is not valid JSON").
 * Iterative, so deeply nested input cannot overflow the stack.
 */
export function findJsonSyntaxError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  // Set when a non-empty container was just opened: the main loop parses its first member.
  let openedContainer = false;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const describe = () => (i >= n ? 'end of input' : `"${text[i]}"`);
  const fail = (expected: string) => ({ offset: i, message: `expected ${expected}, found ${describe()}` });

  const string = (): string | undefined => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return 'a 4-digit \\u escape';
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)';
        }
        continue;
      }
      if (c < 0x20) return 'a closing quote (control characters and new lines must be escaped in strings)';
      i++;
    }
    return 'a closing quote';
  };

  // Parse one value; containers push onto the stack and return.
  const value = (): string | undefined => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        return undefined;
      }
      openedContainer = true;
      return undefined;
    }
    if (c === '"') return string();
    const lit = /^(true|false|null)/.exec(text.slice(i, i + 5));
    if (lit) {
      i += lit[0].length;
      return undefined;
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (num && num[0] !== '-') {
      i += num[0].length;
      return undefined;
    }
    return 'a value (string, number, object, array, true, false or null)';
  };
  const key = (): string | undefined => {
    ws();
    if (text[i] !== '"') return 'a double-quoted property name';
    const bad = string();
    if (bad) return bad;
    ws();
    if (text[i] !== ':') return '":" after the property name';
    i++;
    return value();
  };

  let expected = value();
  while (!expected) {
    ws();
    const top = stack[stack.length - 1];
    if (openedContainer) {
      openedContainer = false;
      expected = top === '{' ? key() : value();
      continue;
    }
    if (!top) {
      if (i < n) return fail('end of input after the top-level value');
      return undefined;
    }
    const close = top === '{' ? '}' : ']';
    if (text[i] === ',') {
      i++;
      ws();
      if (text[i] === close) return fail(top === '{' ? 'a property name (no trailing commas in JSON)' : 'a value (no trailing commas in JSON)');
      expected = top === '{' ? key() : value();
    } else if (text[i] === close) {
      stack.pop();
      i++;
    } else {
      return fail(`"," or "${close}"`);
    }
  }
  return fail(expected);
}
