// Finds English string literals in the places Discord shows text to people (for the i18n scan).
import ts from 'typescript';

export interface Finding {
  file: string;
  line: number;
  text: string;
}

/** Methods whose arguments become text people see: replies, messages, embed and component builders. */
const VISIBLE_CALLS = new Set([
  'reply', 'editReply', 'followUp', 'update', 'send', 'edit',
  'setTitle', 'setDescription', 'addFields', 'setFields', 'spliceFields', 'setFooter', 'setAuthor',
  'setLabel', 'setPlaceholder', 'setContent', 'setCustomIdLabel',
]);
/** Errors whose message is shown to people as is. */
const VISIBLE_ERRORS = new Set(['UserError', 'DigestError']);
/** Object properties that Discord shows (message, embed, field, footer, component, modal). */
const VISIBLE_PROPS = new Set(['content', 'title', 'description', 'label', 'placeholder', 'text']);
/** Words that are the same in every language Pulse speaks. */
const SAME_EVERYWHERE = new Set(['Pulse', 'DAU', 'WAU', 'MAU', 'UTC', 'CSV', 'JSON', 'PNG', 'cron', 'IANA', 'https', 'discord', 'com', 'channels']);

/** Whether a literal's text reads as English prose (mentions, code spans and links removed). */
export function isEnglish(text: string): boolean {
  // A catalogue key ('digest.mover.joins') or a colour ('#dbdee1') is not prose.
  if (/^[a-z]+(\.[A-Za-z]+)+$/.test(text) || /^#[0-9a-f]{3,8}$/i.test(text)) return false;
  const cleaned = text
    .replace(/`[^`]*`/g, ' ')
    .replace(/<[@#&!:a-z]*[^>]*>/gi, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/attachment:\/\/\S+/g, ' ');
  return (cleaned.match(/[A-Za-z]{3,}/g) ?? []).some((word) => !SAME_EVERYWHERE.has(word));
}

export function scanSource(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const report = (node: ts.Node, text: string) => {
    if (isEnglish(text)) findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: text.slice(0, 80) });
  };
  /** Follows an expression that ends up as visible text. */
  const visible = (node: ts.Node | undefined): void => {
    if (!node) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return report(node, node.text);
    if (ts.isTemplateExpression(node)) {
      report(node, [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' '));
      for (const span of node.templateSpans) if (ts.isConditionalExpression(span.expression) || ts.isStringLiteral(span.expression)) visible(span.expression);
      return;
    }
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return visible(node.expression);
    if (ts.isConditionalExpression(node)) {
      visible(node.whenTrue);
      return visible(node.whenFalse);
    }
    if (ts.isBinaryExpression(node)) {
      visible(node.left);
      return visible(node.right);
    }
    if (ts.isArrayLiteralExpression(node)) return node.elements.forEach(visible);
    if (ts.isObjectLiteralExpression(node)) return visibleObject(node);
    // `[...].join('\n')`: the lines are visible.
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'join') return visible(node.expression.expression);
  };
  const visibleObject = (node: ts.ObjectLiteralExpression) => {
    const names = new Set(node.properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : '')));
    for (const prop of node.properties) {
      if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name)) continue;
      const key = prop.name.text;
      // An embed field or a select option: { name, value } both shown.
      if (VISIBLE_PROPS.has(key) || ((key === 'name' || key === 'value') && names.has('name') && names.has('value'))) visible(prop.initializer);
      else if (['embeds', 'fields', 'footer', 'author', 'components', 'options', 'data'].includes(key)) visible(prop.initializer);
    }
  };
  const walk = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && VISIBLE_CALLS.has(node.expression.name.text)) node.arguments.forEach(visible);
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && VISIBLE_ERRORS.has(node.expression.text)) node.arguments?.forEach(visible);
    if (ts.isObjectLiteralExpression(node)) visibleObject(node);
    ts.forEachChild(node, walk);
  };
  walk(sf);
  // One finding per place (an object literal is reached both as a call argument and on its own).
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.line}:${f.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
