// The off twin of firmware/extended.ts (build/features.ts): finds no extended config (the app
// never names `wificonfig` or `staticconfig`).
import type { LinkConfig } from '../hal/contract';

/** Never an extended config. */
export var extended = function (): LinkConfig | null { return null; };
