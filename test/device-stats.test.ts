// @serial (the real interpreter's telnet port 2323 is machine-wide; its apps bind UDP ports on
// every loopback address)
// The live status line against the REAL Espruino interpreter (upstream 2v29, Linux port) over
// its telnet REPL: `espimp flash --stats` puts a linux bundle with the reporter in Storage,
// `espimp console --stats` asks it for reports, and the `stats: ` lines (stdout is a pipe)
// count exactly what a Node peer on 127.77.0.3 sent and got, including sends the rate limit
// refused, while the app's own lines arrive whole. The app never names `stats`: the counters
// are in its bundle because of --stats alone.
// Interpreter and lock: test/support/telnet-device.ts. Device 192.168.77.2:25742, peer 127.77.0.3:25743.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveInterpreter } from '../host/espruino/interpreter';
import { cli } from './support/cli';
import { espimp, exited } from './support/console-device';
import { PORT, Peer, startTelnetDevice } from './support/telnet-device';

const APP_PORT = 25742;
const PEER_PORT = 25743;
/** The linux board's receive ring (the status line shows each socket's ring size). */
const RING = JSON.parse(readFileSync(new URL('../boards/linux.json', import.meta.url), 'utf8')).ring;

const APP = `// echoes each datagram; "burst N" makes it send N datagrams back at once and say how many went
var sock = null, got = 0;
var iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, function (state) {
  if (state == imp.net.CONNECTED && sock == null) {
    sock = iface.openudp(function (from, port, to, toPort, data) {
      var text = data.tostring(), i, r, sent = 0, refused = 0;
      got++;
      server.log('got ' + got + ' ' + text + ' from ' + from + ':' + port);
      if (text.indexOf('burst ') != 0) return sock.send(from, port, text);
      for (i = 0; i < +text.slice(6); i++) {
        r = sock.send(from, port, 'b' + i);
        if (r == 0) sent++; else if (r == 4) refused++;
      }
      server.log('burst sent ' + sent + ' refused ' + refused);
    }, ${APP_PORT});
    server.log('counting app on ' + iface.getiptable().ipv4.address + ':${APP_PORT}');
  }
});
`;

/** A stats line for these counts (sent/refused/received/delivered/dropped), device-wide and for the one socket. */
const statsLine = (c: number[]) =>
  new RegExp(`\\] stats: device ${c.join('/')} tokens [\\d.]+/100 free \\d+ \\| :${APP_PORT} ${c.join('/')} ring 0/${RING}\\n`);

if (!haveInterpreter('device-stats')) {
  const skipped = suite('device-stats (real interpreter missing: skipped)');
  skipped('nothing to run without ../shared/espruino', () => {});
  skipped.run();
} else {
  const Stats = suite('console --stats against the real Espruino REPL on telnet');
  let stop = () => {};
  const files = mkdtempSync(join(tmpdir(), 'espimp-device-stats-'));

  Stats.before(async () => {
    ({ stop } = await startTelnetDevice('test/device-stats.test.ts'));
  });

  Stats.after(() => {
    stop();
    rmSync(files, { recursive: true, force: true });
  });

  Stats('the status line counts what the peer sent and got, refusals included; the app\'s lines stay whole', async () => {
    const app = join(files, 'counting-app.js');
    writeFileSync(app, APP);
    const res = await cli('flash', '--board', 'linux', '--ip', '192.168.77.2', '--port', PORT, '--save', '--stats', app);
    assert.is(res.code, 0, res.err);
    assert.match(res.out, /counting app on 192\.168\.77\.2:25742/, 'the app started');

    const con = espimp(['console', '--port', PORT, '--stats']);
    const peer = new Peer(PEER_PORT);
    try {
      await con.out.until(/--- connected to tcp:\/\/127\.0\.0\.1:2323/);
      await con.out.until(statsLine([0, 0, 0, 0, 0]));
      await peer.bind();
      for (const word of ['one', 'two', 'three']) {
        await peer.send(Buffer.from(word), APP_PORT);
        await peer.next((d) => d.toString() === word, `the echo of ${word}`);
      }
      await con.out.until(statsLine([3, 0, 3, 3, 0]));

      // a burst over the bucket's 100 packets: the line shows the refusals the app counted
      await peer.send(Buffer.from('burst 200'), APP_PORT);
      await con.out.until(/\] burst sent \d+ refused \d+\n/);
      const [, sent, refused] = /\] burst sent (\d+) refused (\d+)\n/.exec(con.out.text)!.map(Number);
      assert.is(sent + refused, 200);
      assert.ok(refused > 0 && sent >= 100, `the rate limit refused some (sent ${sent}, refused ${refused})`);
      await con.out.until(statsLine([3 + sent, refused, 4, 4, 0]));

      // the app's own lines, whole, one each; no frame or report leaks into the output
      const text = con.out.text;
      ['one', 'two', 'three', 'burst 200'].forEach((w, i) =>
        assert.match(text, new RegExp(`\\] got ${i + 1} ${w} from 192\\.168\\.77\\.3:${PEER_PORT}\\n`), `app line ${i + 1}`));
      assert.not.match(text, /\] \n/, 'no line of the prompt alone');
      assert.not.match(text, /\x10|espimp\.stats|agent <-|Uncaught|espimpstats/, text);
      for (const line of text.split('\n').filter((l) => l.includes('stats:'))) assert.match(line + '\n', /^\[[\d:.]+\] stats: device /, line);
    } finally {
      peer.close();
      con.child.kill('SIGTERM');
      await exited(con.child);
    }
    assert.not.match(con.out.text, /agent link:/, 'status reports are not agent traffic');
  });

  Stats.run();
}
