// The wire to the board's console: a serial port (the `serialport` package: USB CDC,
// USB-serial adapters, pseudo-terminals) or a plain TCP socket (`tcp://host:port`, how
// Espruino's telnet console and network-attached boards are reached). One open attempt
// per call; the session owns reconnecting.
import net from 'node:net';
import { realpathSync } from 'node:fs';
import { UserError } from '../../build/user-error';

export type PortSpec =
  | { kind: 'serial'; path: string; baud: number }
  | { kind: 'tcp'; host: string; port: number };

/** An open wire. */
export interface Link {
  write(data: string): void;
  close(): void;
}

export interface LinkEvents {
  /** Bytes from the board. */ data(chunk: Buffer): void;
  /** The wire is gone (board unplugged, socket closed); called once. */ closed(why: string): void;
}

/** Espruino's telnet console port, for tcp://host without a port (as `espimp flash` does). */
const TELNET_PORT = 23;

/** The port spec of `--port` (a device path, or tcp://host[:port]) and `--baud`; throws UserError when malformed. */
export function parsePort(port: string, baud: string | number): PortSpec {
  if (!port) throw new UserError('--port must name a serial device or tcp://host:port', 'ERR_BAD_PORT_SPEC');
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/\[\]]+)(?::(\d+))?\/?$/.exec(port);
  if (tcp) {
    const n = tcp[2] === undefined ? TELNET_PORT : Number(tcp[2]);
    if (!(n >= 1 && n <= 65535)) throw new UserError(`--port ${port}: the TCP port must be 1-65535`, 'ERR_BAD_PORT_SPEC');
    return { kind: 'tcp', host: tcp[1].replace(/^\[|\]$/g, ''), port: n };
  }
  if (/^[a-z]+:\/\//i.test(port)) throw new UserError(`--port ${port}: use a device path or tcp://host[:port]`, 'ERR_BAD_PORT_SPEC');
  const b = Number(baud);
  if (!(Number.isInteger(b) && b > 0 && b <= 20_000_000)) throw new UserError(`--baud must be a positive integer (given ${JSON.stringify(String(baud))})`, 'ERR_BAD_BAUD');
  return { kind: 'serial', path: port, baud: b };
}

/** How the spec reads in messages. */
export function portName(p: PortSpec): string {
  return p.kind === 'tcp' ? `tcp://${p.host}:${p.port}` : p.path;
}

/** Open the wire once; rejects with the reason when it cannot be opened now. */
export function openLink(p: PortSpec, ev: LinkEvents): Promise<Link> {
  return p.kind === 'tcp' ? openTcp(p.host, p.port, ev) : openSerial(p.path, p.baud, ev);
}

/** Calls `closed` only the first time. */
function once(ev: LinkEvents): (why: string) => void {
  let done = false;
  return (why) => { if (!done) { done = true; ev.closed(why); } };
}

/** How often an open serial port's path is checked: a device node that vanished or now names another device means the board is gone, even when the driver did not say so. */
const WATCH_MS = 250;

/** The device a path names now (symlinks resolved), or null when it is gone. */
function deviceOf(path: string): string | null {
  try { return realpathSync(path); } catch { return null; }
}

async function openSerial(path: string, baudRate: number, ev: LinkEvents): Promise<Link> {
  // Loaded on first use, not when espimp starts (serialport and its parsers take ~70 ms to load).
  const { SerialPort } = await import('serialport');
  return new Promise((resolveOpen, rejectOpen) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    let open = false;
    let watch: NodeJS.Timeout | undefined;
    const gone = once(ev);
    const closed = (why: string) => {
      if (!open) return;
      open = false;
      clearInterval(watch);
      if (port.isOpen) port.close(() => {});
      gone(why);
    };
    port.on('data', (d: Buffer) => ev.data(d));
    port.on('error', (e: Error) => closed(e.message));
    port.on('close', (e: any) => closed(e && e.message ? e.message : 'port closed'));
    port.open((err) => {
      if (err) { rejectOpen(err); return; }
      open = true;
      const device = deviceOf(path);
      watch = setInterval(() => { if (deviceOf(path) !== device) closed('device gone'); }, WATCH_MS);
      resolveOpen({
        write: (s) => { if (port.isOpen) port.write(s, (e) => { if (e) closed(e.message); }); },
        close: () => { open = false; clearInterval(watch); if (port.isOpen) port.close(() => {}); },
      });
    });
  });
}

function openTcp(host: string, port: number, ev: LinkEvents): Promise<Link> {
  return new Promise((resolveOpen, rejectOpen) => {
    const sock = net.connect({ host, port });
    const closed = once(ev);
    let open = false;
    let why = 'connection closed';
    sock.setNoDelay(true);
    sock.on('data', (d) => ev.data(d));
    sock.on('error', (e) => { if (open) why = e.message; else rejectOpen(e); });
    sock.on('close', () => { if (open) closed(why); });
    sock.on('connect', () => {
      open = true;
      resolveOpen({
        write: (s) => { if (!sock.destroyed) sock.write(s); },
        close: () => { open = false; sock.destroy(); },
      });
    });
  });
}
