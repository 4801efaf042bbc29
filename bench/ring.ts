// The receive ring (firmware/ring.ts: one fixed Uint8Array, records copied in and out)
// against the obvious alternative, an Array of copied buffers with their addresses. Both
// take datagrams in bursts of 32 (what one socket read gives) and hand each back in order.
import { Ring } from '../firmware/ring';
import { compare, payload, type BenchResult, type Chunk } from './harness';

export interface RingOptions { count: number; rounds: number; payload: number }

const BURST = 32;
/** Operations per timed chunk. */
const CHUNK = 4096;

export async function benchRing(o: RingOptions): Promise<BenchResult> {
  const data = payload(o.payload);
  const ring = new Ring(65536);
  const q: { data: Uint8Array; from: string; port: number; to: string }[] = [];
  let sink = 0;
  async function viaRing(n: number): Promise<Chunk> {
    let delivered = 0;
    const t0 = performance.now();
    for (let done = 0; done < n; done += BURST) {
      const b = Math.min(BURST, n - done);
      for (let i = 0; i < b; i++) ring.push(data, '192.168.77.2', 5005 + i, '192.168.77.1');
      let d;
      while ((d = ring.pop())) { delivered++; sink += d.length + ring.port + ring.from.length; }
    }
    return { ms: performance.now() - t0, delivered };
  }
  async function viaArray(n: number): Promise<Chunk> {
    let delivered = 0;
    const t0 = performance.now();
    for (let done = 0; done < n; done += BURST) {
      const b = Math.min(BURST, n - done);
      for (let i = 0; i < b; i++) q.push({ data: data.slice(), from: '192.168.77.2', port: 5005 + i, to: '192.168.77.1' });
      let r;
      while ((r = q.shift())) { delivered++; sink += r.data.length + r.port + r.from.length; }
    }
    return { ms: performance.now() - t0, delivered };
  }
  const r = await compare({
    name: 'ring', target: null, payload: o.payload, count: o.count, chunk: CHUNK, rounds: o.rounds,
    what: { espimp: 'Ring.push + Ring.pop (fixed Uint8Array, copies in and out)', plain: 'Array.push({data: copy, from, port, to}) + shift' },
    espimp: viaRing,
    plain: viaArray,
  });
  if (sink < 0) throw new Error('unreachable');
  return r;
}
