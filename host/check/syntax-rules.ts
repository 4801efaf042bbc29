// The syntax Espruino rejects, as a table: each row names the node types it looks at, the rule
// it reports, when (a test of the node and its parent), where (default: the node) and with what
// message. A row with `each` looks at parts of the node instead (a function's parameters, a
// declaration's declarators). The walk calls checkSyntax on every node it enters; rows need no
// scope. Literals (regex, string escapes) have their own checks at the end.
import { FUNCS, type Node } from './ast';
import { type Report } from './findings';
import { regexIssues } from './regex';
import { type RuleId, type Severity } from './rules';

/** One syntax rule: on a node of `types` (or each part `each` picks of it) for which `when` holds. */
interface SyntaxRule {
  types: readonly string[];
  rule: RuleId;
  /** The parts of the node to test instead of the node itself. */
  each?: (n: Node) => Node[];
  /** Whether the node (or part) breaks the rule; `parent` is the node's parent. Default: always. */
  when?: (x: Node, parent: Node) => boolean;
  /** Where the finding goes: a node or a source offset (`code` is the source). Default: the node (or part). */
  at?: (x: Node, parent: Node, code: string) => Node | number;
  message: string | ((x: Node, parent: Node) => string);
  /** Default: the rule's. */
  severity?: Severity;
}

const FUNCTIONS = [...FUNCS];
const PATTERNS = ['ObjectPattern', 'ArrayPattern'];
const LOGICAL_ASSIGN = ['??=', '||=', '&&='];

/** Offset of operator `op` in `code` at or after `from` (skipping whitespace and comments). */
function operatorAt(code: string, from: number, op: string): number {
  const i = code.indexOf(op, from);
  return i < 0 ? from : i;
}

/** Position of the first optional `?.` inside a chain expression. */
function optionalAt(n: Node): number {
  let found = -1;
  const dig = (x: Node) => {
    if (!x || found >= 0) return;
    if ((x.type === 'MemberExpression' || x.type === 'CallExpression') && x.optional) {
      dig(x.type === 'MemberExpression' ? x.object : x.callee);
      if (found < 0) found = (x.type === 'MemberExpression' ? x.object : x.callee).end;
    } else if (x.type === 'MemberExpression') dig(x.object);
    else if (x.type === 'CallExpression') dig(x.callee);
  };
  dig(n.expression);
  return found < 0 ? n.start : found;
}

/** A function's finding goes on its method or property when it is one (`async m() {}`). */
function fnAt(n: Node, parent: Node): Node {
  return parent && (parent.type === 'MethodDefinition' || parent.type === 'Property') && parent.value === n ? parent : n;
}

/** A number literal. */
function isNumber(x: Node): boolean {
  return x.type === 'Literal' && typeof x.value === 'number';
}

/** `-3`: a negative number literal (not -0). */
function negativeLiteral(p: Node): boolean {
  return p.type === 'UnaryExpression' && p.operator === '-' && isNumber(p.argument) && p.argument.value !== 0;
}

/** `'…'[i - k]`: a string literal indexed by a subtraction that is not a constant ≥ 0. */
function stringMinusIndex(n: Node): boolean {
  const p = n.property;
  const str = n.object.type === 'Literal' && typeof n.object.value === 'string' ||
    (n.object.type === 'TemplateLiteral' && n.object.expressions.length === 0);
  return str && p.type === 'BinaryExpression' && p.operator === '-' && !(isNumber(p.left) && isNumber(p.right) && p.left.value - p.right.value >= 0);
}

/** Every syntax rule, by the node types it looks at. */
const SYNTAX_RULES: readonly SyntaxRule[] = [
  { types: ['ImportDeclaration', 'ExportNamedDeclaration', 'ExportDefaultDeclaration', 'ExportAllDeclaration'], rule: 'es-module',
    message: (n) => `${n.type.startsWith('Import') ? 'import' : 'export'} statement: Espruino has no ES modules (bundle to a script/IIFE)` },
  { types: ['ImportExpression'], rule: 'es-module', message: 'dynamic import(): Espruino has no ES modules' },
  { types: ['MetaProperty'], rule: 'es-module', when: (n) => n.meta.name !== 'new', message: '`import.meta`: Espruino has no ES modules' },
  { types: ['MetaProperty'], rule: 'new-target', when: (n) => n.meta.name === 'new', message: '`new.target` is not supported by Espruino' },
  { types: FUNCTIONS, rule: 'generator', when: (n) => n.generator, at: fnAt, message: 'generator function: `function*` is a SyntaxError in Espruino' },
  { types: FUNCTIONS, rule: 'async-await', when: (n) => n.async, at: fnAt, message: 'async function: not supported by Espruino' },
  { types: FUNCTIONS, rule: 'default-param', each: (n) => n.params, when: (p) => p.type === 'AssignmentPattern',
    message: 'default parameter value: SyntaxError in Espruino (test for undefined in the body)' },
  { types: FUNCTIONS, rule: 'rest-param', each: (n) => n.params, when: (p) => p.type === 'RestElement', message: 'rest parameter: SyntaxError in Espruino (use arguments)' },
  { types: FUNCTIONS, rule: 'destructuring', each: (n) => n.params.map((p: Node) => p.type === 'AssignmentPattern' ? p.left : p),
    when: (t) => PATTERNS.includes(t.type), message: 'destructuring parameter: SyntaxError in Espruino' },
  { types: ['VariableDeclaration'], rule: 'destructuring', each: (n) => n.declarations, when: (d) => d.id.type !== 'Identifier', at: (d) => d.id,
    message: 'destructuring declaration: `var {a}=o` is a ReferenceError in Espruino' },
  { types: ['CatchClause'], rule: 'destructuring', when: (n) => n.param && n.param.type !== 'Identifier', at: (n) => n.param,
    message: 'destructuring in catch: Espruino does not support destructuring' },
  { types: PATTERNS, rule: 'destructuring', message: 'destructuring assignment: `[a,b]=[b,a]` fails in Espruino' },
  { types: ['SpreadElement'], rule: 'spread',
    message: (n, parent) => `spread '...' in ${parent && parent.type === 'ObjectExpression' ? 'an object' : parent && parent.type === 'ArrayExpression' ? 'an array' : 'a call'}: SyntaxError in Espruino` },
  { types: ['AwaitExpression'], rule: 'async-await', message: '`await` is not supported by Espruino' },
  { types: ['ForOfStatement'], rule: 'async-await', when: (n) => n.await, message: '`for await` is not supported by Espruino' },
  { types: ['BinaryExpression'], rule: 'exponent', when: (n) => n.operator === '**', at: (n, _, code) => operatorAt(code, n.left.end, '**'),
    message: "'**' is a SyntaxError in Espruino: use Math.pow" },
  { types: ['AssignmentExpression'], rule: 'exponent', when: (n) => n.operator === '**=', at: (n, _, code) => operatorAt(code, n.left.end, '**='),
    message: "'**=' is a SyntaxError in Espruino: use Math.pow" },
  { types: ['AssignmentExpression'], rule: 'logical-assignment', when: (n) => LOGICAL_ASSIGN.includes(n.operator),
    at: (n, _, code) => operatorAt(code, n.left.end, n.operator), message: (n) => `'${n.operator}' is a SyntaxError in Espruino` },
  { types: ['ChainExpression'], rule: 'optional-chaining', at: optionalAt, message: "optional chaining '?.' is a SyntaxError in Espruino" },
  { types: ['LabeledStatement'], rule: 'label', message: (n) => `label '${n.label.name}:': Espruino parses it as an identifier → ReferenceError` },
  { types: ['BreakStatement', 'ContinueStatement'], rule: 'label', when: (n) => n.label, at: (n) => n.label,
    message: (n) => `'${n.type === 'BreakStatement' ? 'break' : 'continue'} ${n.label.name}': labels are not supported by Espruino` },
  { types: ['PrivateIdentifier'], rule: 'private-member', message: (n) => `private member '#${n.name}' is a SyntaxError in Espruino` },
  { types: ['Property'], rule: 'computed-key', when: (n, parent) => n.computed && parent && parent.type === 'ObjectExpression', at: (n) => n.key,
    message: 'computed object key `{[k]: v}` is a SyntaxError in Espruino' },
  { types: ['ClassDeclaration', 'ClassExpression'], rule: 'computed-key', each: (n) => n.body.body, when: (m) => m.computed, at: (m) => m.key,
    message: 'computed class member `[k](){}` is a SyntaxError in Espruino' },
  { types: ['StaticBlock'], rule: 'class-static-block', message: 'static blocks are not supported by Espruino: SyntaxError' },
  { types: ['TaggedTemplateExpression'], rule: 'tagged-template', message: 'tagged template is a SyntaxError in Espruino' },
  { types: ['Literal'], rule: 'bigint', when: (n) => typeof n.bigint === 'string', message: (n) => `BigInt literal ${n.raw}: Espruino has no BigInt` },
  { types: ['MemberExpression'], rule: 'negative-index', when: (n) => n.computed && negativeLiteral(n.property), at: (n) => n.property,
    message: (n) => `negative index [-${n.property.argument.raw}]: Espruino throws on strings and typed arrays ("Field or method \"-${n.property.argument.raw}\" does not already exist"); use x[x.length - ${n.property.argument.raw}] or .charAt()` },
  { types: ['MemberExpression'], rule: 'negative-index', when: (n) => n.computed && stringMinusIndex(n), at: (n) => n.property, severity: 'warning',
    message: 'a string literal indexed by a subtraction: if the index goes negative Espruino throws ("Field or method … does not already exist", V8 gives undefined); guard the index or use .charAt()' },
];

const BY_TYPE = new Map<string, SyntaxRule[]>();
for (const r of SYNTAX_RULES) for (const t of r.types) BY_TYPE.set(t, [...(BY_TYPE.get(t) || []), r]);

/** Report what node `n` (child of `parent`; `code` is the whole source) breaks of the syntax rules and literal checks. */
export function checkSyntax(n: Node, parent: Node, code: string, report: Report) {
  for (const r of BY_TYPE.get(n.type) || []) {
    for (const x of r.each ? r.each(n) : [n]) {
      if (!x || (r.when && !r.when(x, parent))) continue;
      report(r.at ? r.at(x, parent, code) : x, r.rule, typeof r.message === 'string' ? r.message : r.message(x, parent), r.severity);
    }
  }
  if (n.type === 'Literal' && n.regex) regexLiteral(n, report);
  else if (n.type === 'Literal' && typeof n.value === 'string') stringEscapes(n.raw, n.start, report);
  else if (n.type === 'TemplateElement') stringEscapes(n.value.raw, n.start, report);
}

/** Rules regex-flag, regex-feature on a regex literal. */
function regexLiteral(n: Node, report: Report) {
  for (const is of regexIssues(n.regex.pattern, n.regex.flags, true)) {
    const at = is.at < 0 ? n.start + 2 + n.regex.pattern.length : n.start + 1 + is.at;
    report(at, is.rule, is.message, is.severity);
  }
}

/** Rules unicode-escape, non-latin1-string on the raw text of a string or template chunk. */
function stringEscapes(raw: string, start: number, report: Report) {
  let wide = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 92) { // backslash
      const d = raw[i + 1];
      if (d === 'u') {
        // \uXXXX makes a UTF-8 string on 2v29 (measured, test/device-facts.test.ts); \u{…} does not parse
        if (raw[i + 2] === '{') report(start + i, 'unicode-escape', '`\\u{…}` escape: Espruino 2v29 stops with "Invalid escape sequence"; write a \\uXXXX pair');
      }
      i++;
    } else if (c > 0xff && !wide) {
      wide = true;
      report(start + i, 'non-latin1-string', `character U+${c.toString(16).toUpperCase().padStart(4, '0')} in a string: Espruino stores it as UTF-8 bytes (length and charCodeAt differ)`);
    }
  }
}
