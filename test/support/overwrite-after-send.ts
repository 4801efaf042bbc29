// The node driver's send of bytes the caller overwrites at once (test/node-driver.test.ts): a
// device at 192.168.77.`host` sends `count` datagrams of one buffer to a peer, writing the
// buffer's next contents right after each send(), as an app reuses its blob. Every datagram
// must arrive as it was at its send(), whether the driver lent the bytes to Node or copied
// them. Run as a script (argv: host, port) it prints the result as JSON, so a test can run it
// under `node --test-udp-no-try-send`, where Node queues every send.
import dgram from 'node:dgram';
import { createNodeDriver } from '../../hal/node/driver';

export interface Overwritten {
  /** What the peer received, in order, as text. */ got: string[];
  /** What was sent, in order. */ sent: string[];
  /** Sends that handed Node the caller's own bytes (lent, not copied). */ lent: number;
  /** The most datagrams in Node's send queue right after a send (0: every send left at once). */ queued: number;
}

export async function overwriteAfterSend(host: number, port: number, count = 20): Promise<Overwritten> {
  const d = createNodeDriver({ lan: 'loopback', ip: `192.168.77.${host}` });
  const peer = dgram.createSocket('udp4');
  const got: string[] = [], sent: string[] = [];
  // watch Node's send queue (the real send runs as it is)
  const send = dgram.Socket.prototype.send;
  const bytes = new Uint8Array(16);
  let queued = 0, lent = 0, guard: NodeJS.Timeout | undefined;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...a: any[]) {
    if (a[0] === bytes) lent++;
    (send as any).apply(this, a);
    queued = Math.max(queued, this.getSendQueueCount());
  } as any;
  try {
    await new Promise<void>((resolve, reject) => { peer.once('error', reject); peer.bind(port + 1, `127.77.0.${host + 1}`, () => resolve()); });
    const all = new Promise<void>((resolve, reject) => {
      guard = setTimeout(() => reject(new Error(`${got.length} of ${count} datagrams after 10 s`)), 10_000);
      peer.on('message', (m) => { got.push(m.toString('latin1')); if (got.length === count) { clearTimeout(guard); resolve(); } });
    });
    await new Promise<void>((resolve) => d.up('eth0', {}, (s) => { if (s === 1) resolve(); }));
    const h = d.open('eth0', port, { _recv: () => {} });
    if (h < 0) throw new Error(`cannot open port ${port}`);
    for (let i = 0; i < count; i++) {
      const text = `datagram ${String(i).padStart(7, '0')}`;
      bytes.set(Buffer.from(text, 'latin1'));
      sent.push(text);
      if (d.send(h, `192.168.77.${host + 1}`, port + 1, bytes) !== 0) throw new Error('send refused');
      // the app writes its blob again at once
      bytes.fill(0x2a);
    }
    await all;
    return { got, sent, lent, queued };
  } finally {
    clearTimeout(guard);
    dgram.Socket.prototype.send = send;
    d.shutdown();
    peer.close();
  }
}

if (process.argv[1] && /overwrite-after-send\.ts$/.test(process.argv[1])) {
  overwriteAfterSend(Number(process.argv[2]), Number(process.argv[3])).then(
    (r) => { console.log(JSON.stringify(r)); },
    (e) => { console.log(JSON.stringify({ error: String(e && e.message || e) })); process.exitCode = 1; },
  );
}
