// Send path: udpsocket.send (argument checks, rate limit, counters, the node driver, Node
// dgram) against a plain Node dgram socket's send, same payload, same loopback sink. Per
// chunk only the send calls and the flush of what they queued are timed; the sink's
// receipt of the chunk is then awaited untimed, so nothing is lost and the sink costs
// neither side.
import dgram from 'node:dgram';
import { compare, payload, type BenchResult, type Chunk } from './harness';
import { benchDevice, openBound } from './device';

export interface SendOptions { count: number; rounds: number; payload: number }

/** Datagrams per chunk: they fit the sink's default receive buffer at payloads up to 512 bytes. */
const CHUNK = 128;

export async function benchSend(o: SendOptions): Promise<BenchResult> {
  const sink = dgram.createSocket('udp4');
  let received = 0, want = 0, wake: (() => void) | null = null;
  sink.on('message', () => { if (++received >= want && wake) { const w = wake; wake = null; w(); } });
  await new Promise<void>((resolve) => sink.bind(0, '127.77.0.242', () => resolve()));
  const sinkPort = sink.address().port;
  /** Resolve once the sink has `n` datagrams in all (or after 2 s without them: a loss shows in `delivered`). */
  const arrived = (n: number) => new Promise<void>((resolve) => {
    want = n;
    if (received >= n) return resolve();
    const guard = setTimeout(() => { wake = null; resolve(); }, 2000);
    wake = () => { clearTimeout(guard); resolve(); };
  });
  const flush = () => new Promise<void>((resolve) => process.nextTick(resolve));
  const dev = await benchDevice(241).catch((e) => { sink.close(); throw e; });
  const plainSock = dgram.createSocket('udp4');
  try {
    const { sock } = openBound(dev.iface, null);
    const bytes = payload(o.payload);
    const blob = dev.rt.blob(0);
    for (let i = 0; i < bytes.length; i++) blob.writen(bytes[i], 'b');
    await new Promise<void>((resolve) => plainSock.bind(0, '127.77.0.243', () => resolve()));
    const buf = Buffer.from(bytes);
    /** Time n sends (and the flush of what they queued), then wait untimed for the sink. */
    const chunk = (send: () => number) => async (n: number): Promise<Chunk> => {
      const start = received;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) if (send() !== 0) throw new Error('send did not return 0');
      await flush();
      const ms = performance.now() - t0;
      await arrived(start + n);
      return { ms, delivered: received - start };
    };
    return await compare({
      name: 'send', target: 0.95, payload: o.payload, count: o.count, chunk: CHUNK, rounds: o.rounds,
      what: { espimp: 'udpsocket.send(address, port, blob) through the node driver', plain: 'dgram socket.send(buffer, port, address)' },
      espimp: chunk(() => sock.send('192.168.77.242', sinkPort, blob)),
      plain: chunk(() => { plainSock.send(buf, sinkPort, '127.77.0.242'); return 0; }),
    });
  } finally {
    dev.close();
    plainSock.close();
    sink.close();
  }
}
