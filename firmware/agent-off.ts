// The off twin of firmware/agent.ts (build/features.ts): an agent whose methods do nothing
// (send returns 0, as the real one does), for bundles of apps that never name the agent.
import type { createAgent as createRealAgent } from './agent';

/** Every method of the agent that does nothing (at the top of the module: on Espruino a function made inside another costs 3 more blocks). */
var nothing = function () { return 0; };

/** An agent that neither sends nor receives. */
export function createAgent() { return { on: nothing, send: nothing, rx: nothing } as unknown as ReturnType<typeof createRealAgent>; }
