// The walk: visits every node of the tree once, in source order, keeping the ancestors, the
// scopes (opening one per program, function, block, loop, switch, catch and class and
// advancing the running statement) and the feature tests in force. At each node it applies the
// syntax table (syntax-rules.ts), and at references, members, calls and classes the scope and
// built-in rules.
import { eachChild, patternNames, type Node } from './ast';
import { BuiltinRules } from './builtin-rules';
import { type FileFacts } from './facts';
import { type Report } from './findings';
import { Scopes, type Scope } from './scope';
import { checkSyntax } from './syntax-rules';
import { TypedArrays } from './typed-arrays';

/** Walks one file's tree, reporting what it finds to `report`. */
export class Walk {
  private readonly ancestors: Node[] = [];
  private readonly scopes: Scopes;
  private readonly typed: TypedArrays;
  private readonly builtins: BuiltinRules;

  constructor(private readonly code: string, private readonly report: Report, facts: FileFacts) {
    this.scopes = new Scopes(report);
    this.typed = new TypedArrays(this.scopes, facts.typedProps, report);
    this.builtins = new BuiltinRules(report, this.scopes, facts, this.typed);
  }

  private get parent(): Node {
    return this.ancestors[this.ancestors.length - 1];
  }

  /** Visit node `n`, held in field `key` of the current node. */
  visit(n: Node, key = '') {
    this.enter(n, key);
    this.ancestors.pop();
  }

  private children(n: Node) {
    eachChild(n, (c, k) => this.visit(c, k));
  }

  /** Visit the statements of a block-like list in scope `s`, which hoists what `fnLevel` says. */
  private block(list: Node[], fnLevel: boolean) {
    const s = this.scopes.push(0);
    this.scopes.hoist(s, list, fnLevel);
    this.statements(list, s);
    this.scopes.pop();
  }

  private statements(list: Node[], s: Scope) {
    this.scopes.statements(list, s, (st) => this.visit(st, 'body'));
  }

  private enter(n: Node, key: string) {
    const parent = this.parent;
    this.ancestors.push(n);
    checkSyntax(n, parent, this.code, this.report);
    switch (n.type) {
      case 'Program': case 'BlockStatement': case 'StaticBlock':
        return this.block(n.body, n.type === 'Program');
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
        return this.fn(n, parent, key);
      case 'SwitchStatement': {
        this.visit(n.discriminant, 'discriminant');
        const s = this.scopes.push();
        for (const c of n.cases) for (const st of c.consequent) this.scopes.declareLexical(s, st, 0);
        for (const c of n.cases) this.visit(c, 'cases');
        this.scopes.pop();
        return;
      }
      case 'ForStatement': case 'ForInStatement': case 'ForOfStatement':
        return this.loop(n);
      case 'CatchClause': {
        const s = this.scopes.push();
        for (const nm of patternNames(n.param)) this.scopes.declare(s, nm, 'param', 0, n.loc.start.line);
        this.visit(n.body, 'body');
        this.scopes.pop();
        return;
      }
      case 'ClassDeclaration': case 'ClassExpression':
        return this.cls(n);
      case 'VariableDeclaration':
        for (const d of n.declarations) {
          this.patternDefaults(d.id);
          if (d.init) this.visit(d.init, 'init');
          if (d.id.type === 'Identifier') this.typed.assigned(d.id.name, d.init);
        }
        return;
      case 'Identifier':
        return this.identifier(n, parent, key);
      case 'MemberExpression':
        this.builtins.member(n, parent, key);
        this.visit(n.object, 'object');
        if (n.computed || n.property.type === 'PrivateIdentifier') this.visit(n.property, 'property');
        return;
      case 'CallExpression': case 'NewExpression':
        this.builtins.call(n);
        break;
      case 'ObjectPattern': case 'ArrayPattern':
        return this.patternDefaults(n);
      case 'AssignmentExpression':
        if (n.left.type === 'Identifier') {
          this.writeRef(n.left);
          this.visit(n.right, 'right');
          this.typed.assigned(n.left.name, n.operator === '=' ? n.right : null);
          return;
        }
        break;
      case 'UpdateExpression':
        if (n.argument.type === 'Identifier') { this.writeRef(n.argument); this.typed.assigned(n.argument.name, null); return; }
        break;
      case 'LogicalExpression':
        this.visit(n.left, 'left');
        this.builtins.guarded(n.left, () => this.visit(n.right, 'right'));
        return;
      case 'ConditionalExpression': case 'IfStatement':
        this.visit(n.test, 'test');
        this.builtins.guarded(n.test, () => {
          this.visit(n.consequent, 'consequent');
          if (n.alternate) this.visit(n.alternate, 'alternate');
        });
        return;
      case 'LabeledStatement':
        return this.visit(n.body, 'body');
      case 'BreakStatement': case 'ContinueStatement': case 'PrivateIdentifier': case 'MetaProperty': case 'Literal': case 'TemplateElement':
        return;
      case 'Property':
        if (n.computed) this.visit(n.key, 'key');
        return this.visit(n.value, 'value');
      case 'ImportDeclaration': case 'ExportNamedDeclaration': case 'ExportDefaultDeclaration': case 'ExportAllDeclaration':
        if (n.declaration) this.visit(n.declaration, 'declaration');
        return;
      case 'ReturnStatement':
        if (n.argument) this.visit(n.argument, 'argument');
        return this.typed.returned(n.argument);
    }
    this.children(n);
  }

  // ---- references -----------------------------------------------------------------------

  /** Identifier in `n`'s position: is it a reference (not a key, label or declaration)? */
  private identifier(n: Node, parent: Node, key: string) {
    if (parent) {
      if ((parent.type === 'MemberExpression' && key === 'property' && !parent.computed) ||
          ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && key === 'key' && !parent.computed) ||
          parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement' ||
          parent.type === 'MetaProperty' || parent.type.startsWith('Import') || parent.type.startsWith('Export')) return;
    }
    const r = this.scopes.resolve(n.name);
    if (r) this.scopes.order(n, r);
    else this.builtins.global(n, parent);
  }

  /** A write of the name `n`: hoisting rules when the file declares it. */
  private writeRef(n: Node) {
    const r = this.scopes.resolve(n.name);
    if (r) this.scopes.order(n, r);
  }

  // ---- functions, loops, classes --------------------------------------------------------

  /** Whether function `n` runs right where it is written (IIFE, `.call`/`.apply` of it, `new function`). */
  private immediate(n: Node, parent: Node, key: string): boolean {
    if (!parent) return false;
    if ((parent.type === 'CallExpression' || parent.type === 'NewExpression') && key === 'callee') return true;
    const gp = this.ancestors[this.ancestors.length - 3];
    return parent.type === 'MemberExpression' && key === 'object' && !parent.computed &&
      (parent.property.name === 'call' || parent.property.name === 'apply') && gp && gp.type === 'CallExpression' && gp.callee === parent;
  }

  private fn(n: Node, parent: Node, key: string) {
    const deferred = !this.immediate(n, parent, key);
    if (deferred) this.scopes.depth++;
    this.typed.enterFunction(n, parent);
    const s = this.scopes.push(Infinity);
    if (n.type === 'FunctionExpression' && n.id) this.scopes.declare(s, n.id.name, 'param', 0, n.loc.start.line);
    if (n.type !== 'ArrowFunctionExpression') this.scopes.declare(s, 'arguments', 'param', 0, n.loc.start.line);
    for (const p of n.params) for (const nm of patternNames(p)) this.scopes.declare(s, nm, 'param', 0, n.loc.start.line);
    for (const p of n.params) this.patternDefaults(p);
    if (n.body.type === 'BlockStatement') {
      this.ancestors.push(n.body);
      this.scopes.hoist(s, n.body.body, true);
      this.statements(n.body.body, s);
      this.ancestors.pop();
    } else {
      this.visit(n.body, 'body');
      this.typed.returned(n.body);
    }
    this.scopes.pop();
    this.typed.leaveFunction();
    if (deferred) this.scopes.depth--;
  }

  /** Visit the expressions inside a binding pattern (defaults, computed keys). */
  private patternDefaults(p: Node) {
    if (!p) return;
    switch (p.type) {
      case 'AssignmentPattern': this.patternDefaults(p.left); this.visit(p.right, 'right'); break;
      case 'ObjectPattern':
        for (const q of p.properties) {
          if (q.type === 'RestElement') this.patternDefaults(q.argument);
          else { if (q.computed) this.visit(q.key, 'key'); this.patternDefaults(q.value); }
        }
        break;
      case 'ArrayPattern': for (const q of p.elements) this.patternDefaults(q); break;
      case 'RestElement': this.patternDefaults(p.argument); break;
      case 'MemberExpression': this.visit(p, 'left'); break;
    }
  }

  private loop(n: Node) {
    const head = n.type === 'ForStatement' ? n.init : n.left;
    const lexical = head && head.type === 'VariableDeclaration' && head.kind !== 'var';
    const s = this.scopes.push();
    if (lexical) {
      const names = head.declarations.flatMap((d: Node) => patternNames(d.id));
      for (const nm of names) this.scopes.declare(s, nm, head.kind, 0, n.loc.start.line);
      this.scopes.loopClosure(n, head.kind, names);
    }
    if (head) {
      if (head.type === 'VariableDeclaration' || n.type === 'ForStatement') this.visit(head, 'init');
      else if (head.type === 'Identifier') this.writeRef(head);
      else this.visit(head, 'left');
    }
    for (const k of ['test', 'update', 'right']) if (n[k]) this.visit(n[k], k);
    this.visit(n.body, 'body');
    this.scopes.pop();
  }

  private cls(n: Node) {
    if (n.superClass) {
      this.builtins.extendsError(n);
      this.visit(n.superClass, 'superClass');
    }
    const s = this.scopes.push();
    if (n.id) this.scopes.declare(s, n.id.name, 'class', 0, n.loc.start.line);
    this.ancestors.push(n.body);
    for (const m of n.body.body) {
      this.ancestors.push(m);
      if (m.type === 'StaticBlock') { this.ancestors.pop(); this.visit(m, 'body'); continue; }
      if (m.computed || m.key.type === 'PrivateIdentifier') this.visit(m.key, 'key');
      if (m.value) {
        const deferred = m.type === 'PropertyDefinition' && !m.static;
        if (deferred) this.scopes.depth++;
        this.visit(m.value, 'value');
        if (deferred) this.scopes.depth--;
      }
      this.ancestors.pop();
    }
    this.ancestors.pop();
    this.scopes.pop();
  }
}
