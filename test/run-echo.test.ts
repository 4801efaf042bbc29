// @serial: real sockets on the shared loopback LAN (see test/run.js).
// Done-when of `espimp run`: the real CLI runs examples/echo/echo.js on the loopback LAN as
// 192.168.77.2, and plain peers that are not espimp (CPython `socket`, Node `dgram`), bound
// to 127.77.0.9, get every datagram back byte for byte; the app's log names the right
// from/to addresses. The test waits for events (output lines, replies), never for time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventWaiter } from './support/conformance/fixtures';

const root = new URL('..', import.meta.url).pathname;
const STAMP = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] /;

/** The CPython peer: bind 127.77.0.9, send each hex payload to 127.77.0.2:2001, print each reply as "port hex from". */
const PYTHON_PEER = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.77.0.9", 0))
s.settimeout(20)
print("port", s.getsockname()[1], flush=True)
for h in sys.argv[1:]:
    s.sendto(bytes.fromhex(h), ("127.77.0.2", 2001))
    data, src = s.recvfrom(70000)
    print("reply", data.hex(), src[0], src[1], flush=True)
`;

const echo = suite('espimp run examples/echo/echo.js --lan loopback --ip 192.168.77.2');

echo('echoes CPython and Node dgram peers byte for byte, logging from/to addresses', async () => {
  const w = eventWaiter(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'espimp-echo-'));
  const dev = spawn(process.execPath, ['bin/espimp.js', 'run', 'examples/echo/echo.js', '--lan', 'loopback', '--ip', '192.168.77.2',
    '--state', join(dir, 'state.json')], { cwd: root });
  let out = '', err = '';
  let exit: number | null | undefined;
  dev.stdout.on('data', (d) => { out += d; w.pulse(); });
  dev.stderr.on('data', (d) => { err += d; w.pulse(); });
  dev.on('exit', (code) => { exit = code; w.pulse(); });
  const node = dgram.createSocket('udp4');
  try {
    await w.until(() => out.includes('Echo server on') || exit !== undefined, '"Echo server on"');
    assert.match(out, /Echo server on 192\.168\.77\.2:2001\n/, out + err);

    // CPython: text, every byte value, 0 bytes, 1460 bytes.
    const payloads = [Buffer.from('hello from python'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(0),
      Buffer.from(Array.from({ length: 1460 }, (_, i) => (i * 13) & 255))];
    let py = '';
    const peer = spawn('python3', ['-c', PYTHON_PEER, ...payloads.map((p) => p.toString('hex'))]);
    peer.stdout.on('data', (d) => { py += d; w.pulse(); });
    peer.stderr.on('data', (d) => { py += d; w.pulse(); });
    let pyExit: number | null | undefined;
    peer.on('exit', (code) => { pyExit = code; w.pulse(); });
    await w.until(() => pyExit !== undefined, 'the python peer to finish');
    assert.is(pyExit, 0, py);
    const lines = py.trim().split('\n');
    const pyPort = Number(lines[0].split(' ')[1]);
    assert.equal(lines.slice(1), payloads.map((p) => `reply ${p.toString('hex')} 127.77.0.2 2001`));

    // Node dgram: a 1460-byte and a 65507-byte datagram.
    const got: { data: Buffer; from: string; port: number }[] = [];
    node.on('message', (data, r) => { got.push({ data, from: r.address, port: r.port }); w.pulse(); });
    await new Promise<void>((r) => node.bind(0, '127.77.0.9', r));
    const nodePort = node.address().port;
    const big = [Buffer.from(Array.from({ length: 1460 }, (_, i) => 255 - (i & 255))), Buffer.from(Array.from({ length: 65507 }, (_, i) => (i * 7 + (i >> 9)) & 255))];
    for (const b of big) {
      const n = got.length;
      node.send(b, 2001, '127.77.0.2');
      await w.until(() => got.length > n, `the echo of ${b.length} bytes`);
      assert.is(got[n].data.length, b.length);
      assert.ok(got[n].data.equals(b), `the ${b.length} bytes came back exactly`);
      assert.equal([got[n].from, got[n].port], ['127.77.0.2', 2001]);
    }

    const want = [...payloads.map((p) => [p.length, pyPort]), ...big.map((b) => [b.length, nodePort])]
      .map(([n, port]) => `Received ${n} bytes from 192.168.77.9:${port} to 192.168.77.2:2001`);
    await w.until(() => want.every((l) => out.includes(l)), 'every Received line');
    const logged = out.trim().split('\n');
    for (const l of logged) assert.match(l, STAMP);
    assert.equal(logged.map((l) => l.replace(STAMP, '')).filter((l) => l.startsWith('Received')), want);
    assert.is(err, '', 'nothing on stderr');

    dev.kill('SIGTERM');
    await w.until(() => exit !== undefined, 'espimp to exit on SIGTERM');
    assert.is(exit, 0, err);
  } finally {
    node.close();
    if (exit === undefined) dev.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

echo.run();
