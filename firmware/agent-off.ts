// The off twin of firmware/agent.ts (build/features.ts): an agent whose methods do nothing
// (send returns 0, as the real one does), for bundles of apps that never name the agent.
import type { createAgent as createRealAgent } from './agent';

/** An agent that neither sends nor receives. */
export function createAgent() { var n = function () { return 0; }; return { on: n, send: n, rx: n } as unknown as ReturnType<typeof createRealAgent>; }
