// Receive path: driver -> firmware ring -> drain -> onreceive handler (with the blob the app
// gets) against a plain dgram 'message' handler. A chunk of datagrams is put in the
// receiving socket's kernel buffer first (untimed: synchronous sends from this thread, so
// nothing is read meanwhile), then the time until the handler has seen the whole chunk is
// measured.
import dgram from 'node:dgram';
import { compare, payload, type BenchResult, type Chunk } from './harness';
import { benchDevice, openBound } from './device';

export interface ReceiveOptions { count: number; rounds: number; payload: number }

/** Datagrams per chunk: they fit a socket's default receive buffer at payloads up to 512 bytes. */
const CHUNK = 128;

/** A dgram lookup that answers at once (addresses are literal), so send() sends before it returns. */
function literal(host: string, opts: unknown, cb?: (e: Error | null, a: string, f: number) => void) {
  (typeof opts === 'function' ? opts as typeof cb : cb)!(null, host, 4);
}

export async function benchReceive(o: ReceiveOptions): Promise<BenchResult> {
  let got = 0, want = 0, wake: (() => void) | null = null;
  const seen = () => { if (++got >= want && wake) { const w = wake; wake = null; w(); } };
  const dev = await benchDevice(244);
  const plain = dgram.createSocket('udp4');
  const sender = dgram.createSocket({ type: 'udp4', lookup: literal as any });
  try {
    const { port } = openBound(dev.iface, (from: string, fromPort: number, to: string, toPort: number, data: any) => { if (data.len() === o.payload) seen(); });
    plain.on('message', (msg) => { if (msg.length === o.payload) seen(); });
    await new Promise<void>((resolve) => plain.bind(0, '127.77.0.245', () => resolve()));
    await new Promise<void>((resolve) => sender.bind(0, '127.77.0.246', () => resolve()));
    const buf = Buffer.from(payload(o.payload));
    /** Queue n datagrams for address:toPort untimed, then time until the handler saw them all. */
    const chunk = (address: string, toPort: number) => async (n: number): Promise<Chunk> => {
      got = 0;
      for (let i = 0; i < n; i++) sender.send(buf, toPort, address);
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        want = n;
        const guard = setTimeout(() => { wake = null; resolve(); }, 2000);
        wake = () => { clearTimeout(guard); resolve(); };
      });
      return { ms: performance.now() - t0, delivered: got };
    };
    return await compare({
      name: 'receive', target: 0.95, payload: o.payload, count: o.count, chunk: CHUNK, rounds: o.rounds,
      what: { espimp: 'node driver -> ring -> drain -> onreceive(from, port, to, toPort, blob)', plain: "dgram socket.on('message', handler)" },
      espimp: chunk('127.77.0.244', port),
      plain: chunk('127.77.0.245', plain.address().port),
    });
  } finally {
    dev.close();
    plain.close();
    sender.close();
  }
}
