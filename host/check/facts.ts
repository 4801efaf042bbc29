// Whole-file facts, gathered in one pass before the walk: the method names the file defines
// itself (so `.keys()` on its own object is not a missing built-in), its classes with their
// statics (static-inheritance), and the properties it only ever assigns typed arrays to.
import { eachChild, FUNCS, propName, type Node } from './ast';
import { makesTyped } from './typed-arrays';

/** A class declared in the file: its superclass name and static members. */
export interface ClassFacts { superName: string | null; statics: Set<string> }

export interface FileFacts {
  /** Method and property-function names the file defines itself (calls to them are not flagged). */
  defined: Set<string>;
  /** Classes declared in the file, by name. */
  classes: Map<string, ClassFacts>;
  /** Property names the file only ever assigns typed arrays to (`this.buf = new Uint8Array(n)`). */
  typedProps: Set<string>;
}

/** The facts of the file whose tree is `ast`. */
export function fileFacts(ast: Node): FileFacts {
  const facts: FileFacts = { defined: new Set(), classes: new Map(), typedProps: new Set() };
  const staticAssigns: [string, string][] = [];
  const propKinds = new Map<string, boolean>();
  const noteProp = (p: string | null, value: Node) => {
    if (p === null) return;
    const typed = !!value && makesTyped(value);
    propKinds.set(p, (propKinds.has(p) ? propKinds.get(p)! : true) && typed);
  };
  const walk = (n: Node) => {
    switch (n.type) {
      case 'MethodDefinition': case 'PropertyDefinition':
        if (!n.computed && n.key.type === 'Identifier') facts.defined.add(n.key.name);
        if (n.type === 'PropertyDefinition' && !n.computed && n.key.type === 'Identifier') noteProp(n.key.name, n.value);
        break;
      case 'Property':
        if (!n.computed && n.kind === 'init' && !n.method) noteProp(n.key.type === 'Identifier' ? n.key.name : n.key.type === 'Literal' ? String(n.key.value) : null, n.value);
        if (!n.computed && (n.method || n.kind !== 'init' || (n.value && FUNCS.has(n.value.type)))) {
          if (n.key.type === 'Identifier') facts.defined.add(n.key.name);
          else if (n.key.type === 'Literal') facts.defined.add(String(n.key.value));
        }
        break;
      case 'AssignmentExpression':
        if (n.left.type === 'MemberExpression') {
          const p = propName(n.left);
          noteProp(p, n.operator === '=' ? n.right : null);
          if (p !== null && FUNCS.has(n.right.type)) facts.defined.add(p);
          if (p !== null && n.left.object.type === 'Identifier') staticAssigns.push([n.left.object.name, p]);
        }
        break;
      case 'ClassDeclaration': case 'ClassExpression':
        if (n.id) facts.classes.set(n.id.name, classFacts(n));
        break;
      case 'VariableDeclarator':
        if (n.id.type === 'Identifier' && n.init && n.init.type === 'ClassExpression' && !n.init.id) facts.classes.set(n.id.name, classFacts(n.init));
        break;
    }
    eachChild(n, walk);
  };
  walk(ast);
  for (const [p, typed] of propKinds) if (typed) facts.typedProps.add(p);
  for (const [c, p] of staticAssigns) facts.classes.get(c)?.statics.add(p);
  return facts;
}

function classFacts(cls: Node): ClassFacts {
  const statics = new Set<string>();
  for (const m of cls.body.body) {
    if (m.static && !m.computed && m.key && m.key.type === 'Identifier') statics.add(m.key.name);
  }
  const superName = cls.superClass && cls.superClass.type === 'Identifier' ? cls.superClass.name : null;
  return { superName, statics };
}
