// espimp demo: the main job. The sensor hub and three sensor nodes on the simulated LAN,
// ten simulated minutes, printing what happens and a summary; ends by itself.
import type { Command } from 'commander';
import { Lan } from '../../hal/mock/lan';
import { createRuntime } from '../../firmware/runtime';
import { appSource, guarded, startApp } from '../app';

export function register(program: Command) {
  program.command('demo')
    .description('run the sensor hub and three nodes on the simulated LAN and print a summary')
    .option('--minutes <n>', 'simulated minutes', '10')
    .action((opts) => {
      const lan = new Lan({ subnet: '192.168.77', faults: { loss: 0.05 }, seed: 3 });
      const stamp = () => `[${(lan.clock.now() / 1000).toFixed(3).padStart(8)}s]`;
      const hubAgent: any[] = [];
      const devices = [['hub', 1, 'examples/sensor-hub/hub.js'], ['n2', 2, 'examples/sensor-hub/node.js'],
        ['n3', 3, 'examples/sensor-hub/node.js'], ['n4', 4, 'examples/sensor-hub/node.js']] as const;
      for (const [name, host, file] of devices) {
        const dev = lan.device(host, { name });
        dev.echo = (line) => console.log(`${stamp()} ${name.padEnd(3)} ${line}`);
        const rt = createRuntime(dev.platform, { mock: dev.driver }, { niis: { eth0: 'mock' }, ring: 2048, bucket: { capacity: 100000, refill: 25, cost: 1000 } });
        if (name === 'hub') rt.agent.send = (n: string, d: unknown) => { hubAgent.push([n, d]); return 0; };
        startApp(appSource(file), file, rt, guarded(dev.platform, (l) => dev.platform.write('ERROR: ' + l)), { SENSOR_ID: name });
      }
      lan.run(Number(opts.minutes) * 60_000 + 1000);
      const readings = hubAgent.filter((m) => m[0] === 'reading').length;
      console.log(`summary: ${lan.wire.length} datagrams on the wire, ${readings} readings relayed to the agent, ` +
        `${(lan.faults.loss || 0) * 100}% loss injected`);
    });
}
