// The runtime's members that are not part of the app's API, so types/espimp.d.ts does not
// declare them: besides these, every member whose name starts with `_` is internal too.
// Shared by the type-level drift check (test/types/drift.ts) and the run-time one
// (test/types.test.ts): a new public member of the runtime must be declared, or listed here.
export const INTERNAL = {
  /** Interface object: its NII, its onstate callback. */
  iface: ['nii', 'cb'],
  /** udpsocket: its interface, receive callback, driver handle, counters. */
  sock: ['f', 'cb', 'h', 'c'],
  /** blob: storage, length, pointer, and the bytes the drivers send. */
  blob: ['d', 'n', 'p', 'bytes'],
  /** agent: the console line writer the host replaces, the receive entry (the global `agentrx`). */
  agent: ['tx', 'rx'],
  /** createRuntime's result: the agent link's receive entry, a board global for the console tool. */
  runtime: ['agentrx'],
} as const;
