// The Rollup configuration of espimp bundles, for the plain Rollup CLI. `espimp build` uses
// the same options (build/config.ts) and adds the Espruino checker and the size table.
//   npx rollup -c --environment BOARD:espruino-wifi,APP:examples/echo/echo.js[,IP:192.168.77.2,OUT:out.js]
import { tsImport } from 'tsx/esm/api';

export default async function () {
  const { cliConfig } = await tsImport('./host/bundle.ts', import.meta.url);
  return cliConfig(process.env);
}
