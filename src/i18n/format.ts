// A small ICU MessageFormat subset: {name}, {n, plural, =0 {…} one {…} few {…} many {…} other {…}} with #.
// Numbers are formatted for the language; strings (member text included) are inserted unchanged.

export type Params = Readonly<Record<string, string | number>>;

type Part = string | { arg: string } | { arg: string; plural: Map<string, Part[]> } | { pound: true };

const cache = new Map<string, Part[]>();

/** Parses a message into parts; throws on unbalanced braces so a broken catalogue fails its test. */
export function parseMessage(source: string): Part[] {
  const hit = cache.get(source);
  if (hit) return hit;
  const [parts, end] = parseParts(source, 0, false);
  if (end !== source.length) throw new Error(`unbalanced } at ${end} in message: ${source}`);
  cache.set(source, parts);
  return parts;
}

function parseParts(s: string, start: number, inPlural: boolean): [Part[], number] {
  const parts: Part[] = [];
  let text = '';
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '}') break;
    if (c === '#' && inPlural) {
      if (text) parts.push(text);
      text = '';
      parts.push({ pound: true });
      i++;
      continue;
    }
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    const close = findArgEnd(s, i + 1);
    const head = s.slice(i + 1, close.headEnd).split(',').map((x) => x.trim());
    const arg = head[0]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg)) throw new Error(`bad placeholder name "${arg}" in message: ${s}`);
    if (head.length === 1) {
      parts.push({ arg });
      i = close.headEnd + 1;
      continue;
    }
    if (head[1] !== 'plural') throw new Error(`unsupported format "${head[1]}" in message: ${s}`);
    // Cases: selector {body} pairs until the closing brace of the argument.
    const plural = new Map<string, Part[]>();
    let j = close.headEnd + 1;
    for (;;) {
      while (s[j] === ' ' || s[j] === '\n') j++;
      if (s[j] === '}') break;
      const open = s.indexOf('{', j);
      if (open < 0) throw new Error(`unterminated plural in message: ${s}`);
      const selector = s.slice(j, open).trim();
      const [body, bodyEnd] = parseParts(s, open + 1, true);
      if (s[bodyEnd] !== '}') throw new Error(`unterminated plural case in message: ${s}`);
      plural.set(selector, body);
      j = bodyEnd + 1;
    }
    if (!plural.has('other')) throw new Error(`plural without "other" in message: ${s}`);
    parts.push({ arg, plural });
    i = j + 1;
  }
  if (text) parts.push(text);
  return [parts, i];
}

/** Where the argument's head ends: the first '}' (simple) or the second ',' (plural). */
function findArgEnd(s: string, from: number): { headEnd: number } {
  let commas = 0;
  for (let k = from; k < s.length; k++) {
    if (s[k] === '}' && commas < 2) return { headEnd: k };
    if (s[k] === ',') {
      commas++;
      if (commas === 2) return { headEnd: k };
    }
  }
  throw new Error(`unterminated placeholder in message: ${s}`);
}

/** The placeholder names a message uses (plural arguments included), sorted. */
export function placeholders(source: string): string[] {
  const names = new Set<string>();
  const walk = (parts: Part[]) => {
    for (const p of parts) {
      if (typeof p === 'string' || 'pound' in p) continue;
      names.add(p.arg);
      if ('plural' in p) for (const body of p.plural.values()) walk(body);
    }
  };
  walk(parseMessage(source));
  return [...names].sort();
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

export function numberFormat(locale: string): Intl.NumberFormat {
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 })));
  return f;
}

export function pluralCategory(locale: string, n: number): Intl.LDMLPluralRule {
  let r = pluralRules.get(locale);
  if (!r) pluralRules.set(locale, (r = new Intl.PluralRules(locale)));
  return r.select(n);
}

/**
 * Ids are labels, not quantities: written as their digits, so that `#1234` and `survey:1234` can
 * be typed back (grouped, they were `#1,234`, `#1 234`, `n.º 1.234`). The catalogues name them so.
 */
const isIdParam = (name: string): boolean => name === 'id' || name === 'original' || name === 'source' || name.endsWith('Id');

/** Formats a parsed message; a missing parameter stays visible as {name} rather than throwing. */
export function formatMessage(locale: string, source: string, params: Params = {}): string {
  return render(locale, parseMessage(source), params, undefined);
}

function render(locale: string, parts: Part[], params: Params, pound: number | undefined): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if ('pound' in p) out += pound === undefined ? '#' : numberFormat(locale).format(pound);
    else {
      const value = params[p.arg];
      if (value === undefined) {
        out += `{${p.arg}}`;
      } else if ('plural' in p) {
        const n = Number(value);
        const body = p.plural.get(`=${n}`) ?? p.plural.get(pluralCategory(locale, n)) ?? p.plural.get('other')!;
        out += render(locale, body, params, n);
      } else {
        out += typeof value === 'number' ? (isIdParam(p.arg) ? String(value) : numberFormat(locale).format(value)) : value;
      }
    }
  }
  return out;
}

/** Each plural argument of a message with the cases it gives (for the catalogue tests). */
export function pluralCases(source: string): Array<{ arg: string; cases: string[] }> {
  const out: Array<{ arg: string; cases: string[] }> = [];
  const walk = (parts: Part[]) => {
    for (const p of parts) {
      if (typeof p === 'string' || 'pound' in p || !('plural' in p)) continue;
      out.push({ arg: p.arg, cases: [...p.plural.keys()] });
      for (const body of p.plural.values()) walk(body);
    }
  };
  walk(parseMessage(source));
  return out;
}
