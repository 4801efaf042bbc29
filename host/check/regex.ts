// What Espruino's regular expressions cannot do. Espruino has its own small matcher
// (src/jswrap_regexp.c) and lexer (src/jslex.c, jslLexRegex). From those sources:
//  - the lexer ends a literal at the first unescaped '/', even inside [...], and accepts
//    only the flags g i m y u (any other letter is a syntax error); only g and i are used;
//  - the matcher knows . [...] [^...] ranges, \d \D \s \S \w \W \f \n \r \t \v \0 \xHH,
//    ^ $ ( ) (capturing only, at most 9) and the quantifiers * and + after a single
//    character or class, and | (it ends the whole alternative, so only at top level);
//  - `?` and `{n,m}` are not quantifiers (matched literally), neither are quantifiers after
//    a group; `(?:` `(?=` `(?!` `(?<=` `(?<!` `(?<name>` are groups whose '?' is matched
//    literally; \1..\9 throw "Backreferences not supported"; \b is a backspace (0x08), \B
//    the letter B; \u \p \k \c are their letters.

/** One problem in a regular expression; `at` is an offset into the pattern (-1: the flags). */
export interface RegexIssue {
  at: number;
  rule: 'regex-flag' | 'regex-feature';
  severity: 'error' | 'warning';
  message: string;
}

const LEXED_FLAGS = 'gimyu';
const USED_FLAGS = 'gi';
const MAX_GROUPS = 9;

/** Problems of a regex with `pattern` and `flags`; `literal` for /.../ syntax (not new RegExp). */
export function regexIssues(pattern: string, flags: string, literal: boolean): RegexIssue[] {
  const out: RegexIssue[] = [];
  for (const f of flags) {
    if (USED_FLAGS.includes(f)) continue;
    if (literal && !LEXED_FLAGS.includes(f)) {
      out.push({ at: -1, rule: 'regex-flag', severity: 'error',
        message: `flag '${f}': Espruino's lexer accepts only the flags g i m y u, so /…/${flags} is a syntax error` });
    } else {
      out.push({ at: -1, rule: 'regex-flag', severity: 'warning',
        message: `flag '${f}' is ignored by Espruino's matcher (only g and i change matching)` });
    }
  }
  const feature = (at: number, message: string) =>
    out.push({ at, rule: 'regex-feature', severity: 'error', message });
  let inClass = false;
  let depth = 0;
  let groups = 0;
  let atomEnd = -1; // offset just past the last quantifiable atom
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === '\\') {
      const d = pattern[i + 1] || '';
      if (!inClass && d >= '1' && d <= '9') feature(i, `backreference \\${d}: Espruino throws "Backreferences not supported"`);
      else if (!inClass && (d === 'b' || d === 'B')) feature(i, `\\${d} is not a word boundary in Espruino (\\b matches a backspace, \\B the letter B)`);
      else if (d === 'u' || d === 'p' || d === 'P' || d === 'k' || d === 'c') feature(i, `escape \\${d} is not supported by Espruino's matcher (it matches the letter ${d})`);
      i += d === 'x' ? 4 : 2;
      if (!inClass) atomEnd = i;
      continue;
    }
    if (inClass) {
      if (c === ']') { inClass = false; atomEnd = i + 1; }
      else if (c === '/' && literal) feature(i, "unescaped '/' inside [...]: Espruino's lexer ends the regex there (write \\/)");
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      i += pattern[i + 1] === '^' ? 2 : 1;
      if (pattern[i] === ']') i++; // a leading ']' is a literal in the set
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2, i + 4);
        const what = rest[0] === ':' ? 'non-capturing group (?:' : rest[0] === '=' || rest[0] === '!' ? 'lookahead' :
          rest === '<=' || rest === '<!' ? 'lookbehind' : rest[0] === '<' ? 'named group' : 'group modifier';
        feature(i, `${what} is not supported: Espruino matches the '?' literally`);
      }
      depth++;
      if (++groups === MAX_GROUPS + 1) feature(i, `more than ${MAX_GROUPS} capturing groups: Espruino keeps only ${MAX_GROUPS}`);
      atomEnd = -1;
      i++;
      continue;
    }
    if (c === ')') {
      depth = Math.max(0, depth - 1);
      const q = pattern[i + 1];
      if (q === '*' || q === '+' || q === '?' || (q === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i + 1)))) {
        feature(i + 1, `quantifier '${q}' after a group: Espruino applies quantifiers only to a single character or [...]`);
      }
      atomEnd = -1;
      i++;
      continue;
    }
    if (c === '|' && depth > 0) {
      feature(i, "'|' inside a group: Espruino ends the whole match at '|' (alternatives work only at top level)");
    }
    if (c === '?' && atomEnd === i) {
      feature(i, "quantifier '?' is not supported: Espruino matches '?' literally");
    } else if ((c === '*' || c === '+') && pattern[i + 1] === '?' && atomEnd === i) {
      feature(i + 1, `lazy quantifier '${c}?' is not supported: Espruino matches the '?' literally`);
      i += 2;
      atomEnd = -1;
      continue;
    } else if (c === '{' && atomEnd === i) {
      const m = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (m) {
        feature(i, `quantifier '${m[0]}' is not supported: Espruino matches it literally`);
        i += m[0].length;
        atomEnd = -1;
        continue;
      }
    }
    i++;
    atomEnd = c === '*' || c === '+' || c === '?' || c === '|' || c === '^' || c === '$' ? -1 : i;
  }
  return out;
}
