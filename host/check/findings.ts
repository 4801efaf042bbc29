// The findings of one check: a rule id (typed: a misspelt id does not compile) at a node or
// an offset, turned into a 1-based line and column, dropped when an ignore comment covers
// its line, and made once per place and rule.
import { own, type Node } from './ast';
import { RULE, type RuleId, type Severity } from './rules';

/** One problem: 1-based line and column, the rule id, its severity and what Espruino does. */
export interface Finding {
  line: number;
  column: number;
  rule: RuleId;
  severity: Severity;
  message: string;
}

/** Makes a finding of `rule` at a node or source offset; `severity` defaults to the rule's. */
export type Report = (at: Node | number, rule: RuleId, message: string, severity?: Severity) => void;

const IGNORE_MARK = 'espimp-check-ignore';

/** The findings of one source text, as they are reported. */
export class Findings {
  private readonly list: Finding[] = [];
  private readonly ignores = new Map<number, Set<string> | null>();
  private readonly seen = new Set<string>();
  private lineStarts: number[] | null = null;

  constructor(private readonly code: string) {}

  /** Note a comment: `espimp-check-ignore [rule…]` silences its line and the next (every rule when none is named). */
  noteIgnore(text: string, start: number) {
    const i = text.indexOf(IGNORE_MARK);
    if (i < 0) return;
    const ids = text.slice(i + IGNORE_MARK.length).trim().split(/[\s,]+/).filter((s) => own(RULE, s));
    const line = this.lineOf(start).line;
    for (const l of [line, line + 1]) {
      const prev = this.ignores.get(l);
      this.ignores.set(l, prev === null || !ids.length ? null : new Set([...(prev || []), ...ids]));
    }
  }

  /** 1-based line and column of a source offset. */
  lineOf(offset: number): { line: number; column: number } {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      const re = /\r\n?|\n|\u2028|\u2029/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(this.code))) this.lineStarts.push(m.index + m[0].length);
    }
    const ls = this.lineStarts;
    let lo = 0, hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - ls[lo] + 1 };
  }

  readonly report: Report = (at, rule, message, severity = RULE[rule].severity) => {
    const pos = typeof at === 'number' ? this.lineOf(at) : { line: at.loc.start.line, column: at.loc.start.column + 1 };
    const ign = this.ignores.get(pos.line);
    if (ign === null || (ign && ign.has(rule))) return;
    const key = `${pos.line}:${pos.column}:${rule}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ line: pos.line, column: pos.column, rule, severity, message });
  };

  /** A finding no comment can silence (the file does not parse). */
  add(f: Finding) {
    this.list.push(f);
  }

  /** The findings by position (line, column, rule id). */
  sorted(): Finding[] {
    return this.list.sort(byPosition);
  }
}

/** The order findings are shown in: by line, column, then rule id. */
export function byPosition(a: { line: number; column: number; rule: string }, b: { line: number; column: number; rule: string }): number {
  return a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
}
