// The optional parts of a board bundle, one row each: the names that call for a part, and how
// the build leaves it out when nothing does (docs/build.md "What the build leaves out"). Adding
// an optional feature is one row here (plus its module and off twin in firmware/). The build
// (build/config.ts) reads the app's names (appNames), decides every row with `decide`, and
// reports what it left out and why (`leftOutLine`). The host always has every part.
import type * as AgentOn from '../firmware/agent';
import type * as AgentOff from '../firmware/agent-off';
import type * as BlobMoreOn from '../firmware/blob-more';
import type * as BlobMoreOff from '../firmware/blob-more-off';
import type * as TimersOn from '../firmware/timers';
import type * as TimersOff from '../firmware/timers-off';
import type * as CountersOn from '../firmware/counters';
import type * as CountersOff from '../firmware/counters-off';
import type * as ExtendedOn from '../firmware/extended';
import type * as ExtendedOff from '../firmware/extended-off';
import type * as MulticastOn from '../firmware/multicast';
import type * as MulticastOff from '../firmware/multicast-off';
import { STATES, SEND_ERRORS } from '../firmware/constants';
import { TYPES, BY_NII, HAS_CELL } from '../firmware/niis';

/** The name a build with --stats adds to the app's names (the live view's reporter calls for what it reads). */
export const STATS_OPTION = '--stats';
/** The name the build adds for an app that boots like an imp (build/boot-transform.ts): firmware/boot.ts cancels its time limit. */
export const BOOT_NAME = '--boot';
/** The names a board adds to the app's names: `nii:` + each of its NIIs. */
export const niiName = (nii: string) => `nii:${nii}`;

/** One optional part of a bundle. */
export interface Feature {
  /** What the build's report calls it. */
  name: string;
  /** The names (in the app's tokens, or STATS_OPTION, or niiName) that call for it. */
  calledFor: string[];
  /**
   * Who can call for it. `member` (the default): a method or property, so an app that reaches
   * members by computed name (`x[e]`, `eval`, an enum), is empty or does not tokenize keeps it.
   * `global`: a global object, called for by any name containing one of calledFor; only an app
   * that does not tokenize keeps it. `build`: only the build options or the board call for it.
   */
  reach?: 'member' | 'global' | 'build';
  /** The module that provides it (firmware/…) and its off twin: a real module with the same exports (their types checked below) providing nothing. */
  module?: string;
  off?: string;
  /** Instead of an off twin: the module's source generated from the names that call for parts of it (the constant tables: only the named entries). */
  generate?: (called: string[]) => string;
  /** Members of firmware/net.ts's objects (imp.net, interfaces, sockets) or of the Espruino platform (hal/espruino/platform.ts) that only this feature's names reach: cut out when it is off. */
  members?: string[];
}

/** The timer members of firmware/timers.ts. */
const TIMER_MEMBERS = ['wakeup', 'cancelwakeup', 'millis'];

/** The blob methods of firmware/blob-more.ts. */
export const BLOB_MORE = 'tell seek eos readn writen readstring writestring readblob writeblob resize swap2 swap4 get set'.split(' ');

/** `all` with only the keys in `keep`, as a JavaScript literal. */
const pick = (all: { [k: string]: unknown }, keep: string[]) => JSON.stringify(Object.fromEntries(Object.entries(all).filter(([k]) => keep.includes(k))));
/** The source of a function adding the `keep` members of `all` to its argument (none kept: the argument as it is, which terser folds away). */
const adder = (all: { [k: string]: unknown }, keep: string[]) => pick(all, keep) === '{}' ? '(o) => o' : `(o) => Object.assign(o, ${pick(all, keep)})`;

/** The optional parts of a bundle. */
export const FEATURES: Feature[] = [
  { name: 'agent', calledFor: ['agent'], reach: 'global', module: 'firmware/agent.ts', off: 'firmware/agent-off.ts' },
  { name: 'blob methods', calledFor: BLOB_MORE, module: 'firmware/blob-more.ts', off: 'firmware/blob-more-off.ts' },
  { name: 'timers', calledFor: TIMER_MEMBERS, module: 'firmware/timers.ts', off: 'firmware/timers-off.ts' },
  // the platform's cancel(): the timers (cancelwakeup), the live view's reporter and a booting app's time limit use it
  { name: 'timer cancelling', calledFor: [...TIMER_MEMBERS, STATS_OPTION, BOOT_NAME], members: ['cancel'] },
  { name: 'counters', calledFor: ['stats', STATS_OPTION], module: 'firmware/counters.ts', off: 'firmware/counters-off.ts' },
  { name: 'stats()', calledFor: ['stats'], members: ['stats'] },
  { name: 'extended config', calledFor: ['wificonfig', 'staticconfig'], module: 'firmware/extended.ts', off: 'firmware/extended-off.ts' },
  { name: 'multicast', calledFor: ['join', 'leave'], module: 'firmware/multicast.ts', off: 'firmware/multicast-off.ts', members: ['join', 'leave'] },
  { name: 'getstate()', calledFor: ['getstate'], members: ['getstate'] },
  { name: 'onreceive()', calledFor: ['onreceive'], members: ['onreceive'] },
  { name: 'isopen()', calledFor: ['isopen'], members: ['isopen'] },
  { name: 'live view', calledFor: [STATS_OPTION], reach: 'build', members: ['_live'] },
  {
    name: 'constants', calledFor: [...Object.keys(STATES), ...Object.keys(SEND_ERRORS)], module: 'firmware/constants.ts',
    generate: (called) => `export var STATES = ${pick(STATES, called)};\nexport var SEND_ERRORS = ${pick(SEND_ERRORS, called)};\n`
      + `export var withStates = ${adder(STATES, called)};\nexport var withSendErrors = ${adder(SEND_ERRORS, called)};\n`,
  },
  {
    name: 'NIIs', calledFor: Object.keys(TYPES).map(niiName), reach: 'build', module: 'firmware/niis.ts',
    generate: (called) => {
      const niis = Object.keys(TYPES).filter((n) => called.includes(niiName(n)));
      return `export var TYPES = ${pick(TYPES, niis)};\nexport var HAS_CELL = ${HAS_CELL && niis.includes('cell0')};\nexport var BY_NII = ${pick(BY_NII, niis)};\n`;
    },
  },
];

/** How the build takes one feature: `on` (all of it), `off`, or `some` (a generated module with the `called` names). */
export interface Decision { feature: Feature; take: 'on' | 'off' | 'some'; called: string[] }

/**
 * Each feature's decision for a build whose names are `names` (the app's tokens plus the build's
 * and board's names) and, when the app's scan cannot narrow what it uses, `unsure` (why not).
 */
export function decide(names: string[], unsure: 'unparsed' | 'wide' | null): Decision[] {
  return FEATURES.map((f) => {
    const reach = f.reach || 'member';
    const called = f.calledFor.filter((c) => (reach === 'global' ? names.some((v) => v.includes(c)) : names.includes(c)));
    const keepAll = reach === 'member' ? !!unsure : reach === 'global' && unsure === 'unparsed';
    const take = keepAll ? 'on' : f.generate ? 'some' : called.length ? 'on' : 'off';
    return { feature: f, take, called };
  });
}

/** True when `feature` is in the bundle (all or some of it). */
export function taken(ds: Decision[], feature: string): boolean {
  return ds.some((d) => d.feature.name === feature && d.take !== 'off');
}

/** `list` as a short phrase: up to three joined by "/", else the first two and "…". */
const few = (list: string[]) => (list.length <= 3 ? list.join("/") : `${list.slice(0, 2).join("/")}/…`);

/**
 * The build's one-line report: what it left out and why ("left out: counters (no stats/--stats),
 * ..."), or why it kept everything (`why`: the reason the scan cannot narrow what the app uses).
 */
export function leftOutLine(ds: Decision[], why: string | null): string {
  const out = ds.flatMap((d) => {
    const f = d.feature;
    if (d.take === 'off') return [`${f.name} (no ${few(f.calledFor)})`];
    if (d.take === 'some' && d.called.length < f.calledFor.length) {
      return [`${f.calledFor.length - d.called.length} of ${f.calledFor.length} ${f.name} (${f.reach === 'build' ? 'not on the board' : 'not named'})`];
    }
    return [];
  });
  if (why) return `kept every optional part the app could reach: ${why}${out.length ? `; left out: ${out.join(', ')}` : ''}`;
  return out.length ? `left out: ${out.join(', ')}` : 'left out nothing: the app names every optional part';
}

/** An off twin's exports must be the module's own, with types the module's uses accept (checked by tsc, no code). */
type Twin<On, Off extends { [K in keyof Off]: K extends keyof On ? On[K] : never }> = [On, Off];
export type TwinChecks = [
  Twin<typeof AgentOn, typeof AgentOff>, Twin<typeof BlobMoreOn, typeof BlobMoreOff>, Twin<typeof TimersOn, typeof TimersOff>,
  Twin<typeof CountersOn, typeof CountersOff>, Twin<typeof ExtendedOn, typeof ExtendedOff>, Twin<typeof MulticastOn, typeof MulticastOff>,
];
