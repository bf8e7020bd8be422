/**
 * Finds words shown to the user that are written in a component instead of coming from the message
 * catalogues (web/src/i18n/): JSX text, string literals in user-facing props (label, placeholder,
 * title, aria-label, description, legend, error, alt, …) and `label:` of option lists. Text with
 * no letters (a dash, "·", "°C" after a number) is not a word to translate; ALLOWED lists the few
 * words that read the same in every language (the product's name, units).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const USER_FACING_PROPS = new Set([
  "label",
  "placeholder",
  "title",
  "aria-label",
  "description",
  "legend",
  "error",
  "alt",
  "tooltip",
  "message",
]);

/** Words that are the same in every language. */
export const ALLOWED = new Set([
  "vein2vein",
  "SZ-0001",
  "°C",
  "µL",
  "L/min",
  "mg/dL",
  "g/dL",
  "kg",
  "cm",
  "m²",
  "mL",
]);

export interface Finding {
  file: string;
  line: number;
  text: string;
}

const hasWords = (s: string) => {
  const t = s.trim();
  return t.length > 0 && /\p{L}/u.test(t) && !ALLOWED.has(t);
};

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(" ");
  return null;
}

/** The expressions a JSX child may show: itself, or the branches of `?:`, `??` and `||`. */
function shownLiterals(e: ts.Expression): ts.Expression[] {
  if (ts.isParenthesizedExpression(e)) return shownLiterals(e.expression);
  if (ts.isConditionalExpression(e)) return [...shownLiterals(e.whenTrue), ...shownLiterals(e.whenFalse)];
  if (
    ts.isBinaryExpression(e) &&
    (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
      e.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  )
    return [...shownLiterals(e.left), ...shownLiterals(e.right)];
  return [e];
}

export function findHardCodedText(file: string, source: string): Omit<Finding, "file">[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const out: Omit<Finding, "file">[] = [];
  const report = (node: ts.Node, text: string) =>
    out.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: text.trim() });

  function visit(node: ts.Node) {
    if (ts.isJsxText(node)) {
      if (hasWords(node.text)) report(node, node.text);
    } else if (ts.isJsxExpression(node) && node.expression && ts.isJsxElement(node.parent)) {
      // {"text"}, {`text ${x}`}, {x ? "text" : y} or {x ?? "text"} as a child of an element
      for (const e of shownLiterals(node.expression)) {
        const text = literalText(e);
        if (text !== null && hasWords(text)) report(e, text);
      }
    } else if (ts.isJsxAttribute(node) && USER_FACING_PROPS.has(node.name.getText(sf)) && node.initializer) {
      const init = node.initializer;
      const text = ts.isStringLiteral(init)
        ? init.text
        : ts.isJsxExpression(init) && init.expression
          ? literalText(init.expression)
          : null;
      if (text !== null && hasWords(text)) report(node, text);
    } else if (
      ts.isPropertyAssignment(node) &&
      ["label", "title", "description", "placeholder"].includes(node.name.getText(sf))
    ) {
      const text = literalText(node.initializer);
      if (text !== null && hasWords(text)) report(node, text);
    }
    ts.forEachChild(node, visit);
  }
  visit(sf);
  return out;
}

export function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsxFiles(path);
    return path.endsWith(".tsx") ? [path] : [];
  });
}

export function hardCodedTextIn(root: string, dir: string): Finding[] {
  return tsxFiles(join(root, dir)).flatMap((path) =>
    findHardCodedText(path, readFileSync(path, "utf8")).map((f) => ({ file: relative(root, path), ...f })),
  );
}
