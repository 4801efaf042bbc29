/**
 * Packet capture of the (virtual) LAN as a classic pcap file (libpcap format, microsecond
 * timestamps, LINKTYPE_ETHERNET), which `tcpdump -r` and Wireshark open. Host-only: no
 * board bundle imports this (the LAN and the node driver only offer an observer callback).
 *
 * Every datagram is one record: an Ethernet II header, an IPv4 header (no options, TTL 64,
 * identification counting up per file, correct header checksum) and a UDP header (correct
 * checksum) before the payload, with the addresses and ports the apps see (192.168.77.N).
 * MAC addresses are made up but stable: 02:00 followed by the four octets of the IPv4
 * address (192.168.77.5 is 02:00:c0:a8:4d:05); a broadcast (255.255.255.255 or the
 * subnet's, as sent) goes to ff:ff:ff:ff:ff:ff. A datagram larger than an Ethernet frame is
 * one record with its full length, never fragmented: the snap length is the largest frame
 * there can be (14 + 20 + 8 + 65507 bytes), so nothing is ever cut.
 *
 * PcapWriter writes records (espimp sim: times from the virtual clock); LiveCapture shares
 * one file among the node-driver devices of one process (espimp run, espimp demo: real
 * time), writing each datagram once. docs/capture.md has the decisions.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { UserError } from '../build/user-error';
import { quad } from '../hal/address';

/** The largest frame: Ethernet 14 + IPv4 20 + UDP 8 + the largest UDP payload, 65507. */
export const SNAPLEN = 14 + 20 + 8 + 65507;
const LINKTYPE_ETHERNET = 1;
const TTL = 64;

/** One datagram as it goes in the file. */
export interface Datagram {
  from: string; fromPort: number; to: string; toPort: number; data: Uint8Array;
  /** Sent to (or received on) a broadcast address: destination MAC ff:ff:ff:ff:ff:ff. */ broadcast: boolean;
}

/** The four octets of `ip`, or 0.0.0.0 for what is not a dotted quad. */
const octets = (ip: string): number[] => quad(ip) || [0, 0, 0, 0];

/** The one's-complement sum of `b[start..end)` as 16-bit big-endian words, added to `sum`. */
function sum16(b: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The Ethernet/IPv4/UDP frame of `d`; `id` is the IPv4 identification. */
export function frame(d: Datagram, id: number): Buffer {
  const n = d.data.length, src = octets(d.from), dst = octets(d.to);
  const f = Buffer.alloc(42 + n);
  // Ethernet II
  // a multicast group (224/4): its IANA MAC 01:00:5e + the low 23 bits of the group
  if (dst[0] >= 224 && dst[0] < 240) f.set([1, 0, 0x5e, dst[1] & 0x7f, dst[2], dst[3]], 0);
  else if (d.broadcast) f.fill(0xff, 0, 6); else f.set([2, 0, ...dst], 0);
  f.set([2, 0, ...src], 6);
  f.writeUInt16BE(0x0800, 12);
  // IPv4: version 4, header 5 words, no flags, not fragmented
  f[14] = 0x45;
  f.writeUInt16BE(20 + 8 + n, 16);
  f.writeUInt16BE(id & 0xffff, 18);
  f[22] = TTL;
  f[23] = 17;
  f.set(src, 26);
  f.set(dst, 30);
  f.writeUInt16BE(~fold(sum16(f, 14, 34, 0)) & 0xffff, 24);
  // UDP, checksum over the pseudo header (addresses, protocol, length), header and payload
  f.writeUInt16BE(d.fromPort, 34);
  f.writeUInt16BE(d.toPort, 36);
  f.writeUInt16BE(8 + n, 38);
  f.set(d.data, 42);
  const c = ~fold(sum16(f, 34, 42 + n, sum16(f, 26, 34, 17 + 8 + n))) & 0xffff;
  f.writeUInt16BE(c || 0xffff, 40);
  return f;
}

/** "ENOENT: no such file or directory" from a Node fs error. */
function reason(e: any): string {
  return String((e && e.message) || e).replace(/, (open|write)\b.*$/, '');
}

/** A classic pcap file being written; every record goes to the file at once (a crash keeps what came before). */
export class PcapWriter {
  readonly file: string;
  /** Records written. */ count = 0;
  /** Why writing stopped (e.g. the disk is full), or null. */ failed: string | null = null;
  private fd: number | null;
  /** Open `file` (created or truncated) and write the file header; a UserError when it cannot be written. */
  constructor(file: string) {
    this.file = file;
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps, little-endian
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(SNAPLEN, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    let fd: number | null = null;
    try {
      fd = openSync(file, 'w');
      writeSync(fd, h);
    } catch (e) {
      if (fd !== null) closeSync(fd);
      throw new UserError(`cannot write the capture file ${file}: ${reason(e)}`, 'ERR_PCAP');
    }
    this.fd = fd;
  }
  /** Write `d` at `us` microseconds since the epoch (whole numbers). Never throws: a failure stops the capture and is kept in `failed`. */
  write(us: number, d: Datagram) {
    if (this.fd === null) return;
    const f = frame(d, this.count);
    const rec = Buffer.alloc(16 + f.length);
    rec.writeUInt32LE(Math.floor(us / 1e6), 0);
    rec.writeUInt32LE(us % 1e6, 4);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    f.copy(rec, 16);
    try {
      writeSync(this.fd, rec);
      this.count++;
    } catch (e) {
      this.failed = `writing the capture file ${this.file} failed: ${reason(e)}`;
      this.close();
    }
  }
  /** Close the file (again: nothing). */
  close() {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try { closeSync(fd); } catch (e) { /* already gone */ }
  }
}

/** The node driver's observer (hal/node/driver.ts, NodeDriverOptions.tap). */
export type DriverTap = (received: boolean, from: string, fromPort: number, to: string, toPort: number, data: Uint8Array, broadcast: boolean, refused?: boolean) => void;

/** How long a broadcast from outside this process counts as the same one arriving at another of its devices, µs. */
const SAME_BROADCAST_US = 100_000;

/**
 * One capture file for every node-driver device of this process, on the real clock. A
 * device's sends are written as it hands them to the kernel; what it receives is written
 * only when the sender is not a device of this process (whose send is in the file already),
 * and a broadcast from outside that several devices here receive is written once.
 */
export class LiveCapture {
  readonly writer: PcapWriter;
  private local = new Set<string>();
  private recent: { key: string; us: number; seen: Set<string> }[] = [];
  constructor(file: string) {
    this.writer = new PcapWriter(file);
  }
  /** The tap for the driver of the device at virtual address `ip`. */
  tap(ip: string): DriverTap {
    this.local.add(ip);
    return (received, from, fromPort, to, toPort, data, broadcast, refused) => {
      if (refused) return; // never on the wire
      const us = Math.round((performance.timeOrigin + performance.now()) * 1000);
      if (received && this.local.has(from)) return;
      if (received && broadcast) {
        const key = `${from}:${fromPort}>${to}:${toPort} ${Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1')}`;
        this.recent = this.recent.filter((r) => us - r.us < SAME_BROADCAST_US);
        const same = this.recent.find((r) => r.key === key && !r.seen.has(ip));
        if (same) { same.seen.add(ip); return; }
        this.recent.push({ key, us, seen: new Set([ip]) });
      }
      this.writer.write(us, { from, fromPort, to, toPort, data, broadcast });
    };
  }
  close() {
    this.writer.close();
  }
}
