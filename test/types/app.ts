// A TypeScript app that uses every global and member types/espimp.d.ts declares. It must
// compile with `strict: true` against the declarations alone (lib ES2019, no other types),
// and run on a simulated device without an error: test/types.test.ts. The `@ts-expect-error`
// lines (in a function never called) must stay errors, so the declarations are not `any`: an
// unused one is an error too.
const PORT: number = 2001;
let sock: espimp.UdpSocket | null = null;
let wake: espimp.TimerId | null = null;

const onData: espimp.ReceiveCallback = function (fromAddress, fromPort, toAddress, toPort, data) {
  const copy: blob = blob(data.len());
  copy.writeblob(data);
  copy.seek(0);
  copy.seek(0, 'e');
  copy.seek(-1, 'c');
  const atEnd: boolean = copy.eos();
  const where: number = copy.tell();
  copy.resize(8);
  copy.seek(0, 'b');
  copy.writen(1, 'c');
  copy.writen(2, 'b');
  copy.writen(3, 's');
  copy.writen(4, 'w');
  copy.seek(0);
  const n: number = copy.readn('c') + copy.readn('b') + copy.readn('s') + copy.readn('w');
  const b2 = new blob(8);
  b2.writen(1.5, 'f');
  b2.writen(0, 'i');
  b2.seek(0);
  b2.readn('f');
  b2.readn('i');
  b2.writestring('hi');
  b2.seek(0);
  const text: string = b2.readstring(2) + b2.tostring();
  const part: blob = b2.readblob(2);
  part.swap2();
  b2.swap4();
  b2.set(0, b2.get(1));
  const d = blob();
  d.writen(2.25, 'd');
  server.log(`${fromAddress}:${fromPort} -> ${toAddress}:${toPort} ${atEnd} ${where} ${n} ${text} ${part.len()}`);
  if (sock && sock.isopen()) {
    const r: number = sock.send(fromAddress, fromPort, data);
    if (r === SEND_ERROR_WOULDBLOCK || r === SEND_ERROR_NOT_CONNECTED) server.error('send: ' + r);
    if (r === SEND_ERROR_TIMEOUT || r === SEND_ERROR_DISCONNECTED) server.error('never from UDP');
    sock.send('255.255.255.255', PORT, 'text');
  }
};

function onState(state: number): void {
  if (state === imp.net.CONNECTED && sock === null) {
    const table: espimp.IPv4 = iface.getiptable().ipv4;
    sock = iface.openudp(onData, PORT);
    sock.onreceive(null);
    sock.onreceive(onData);
    server.log('on ' + table.address + ' state ' + iface.getstate());
  }
  const down: number[] = [imp.net.UNKNOWN, imp.net.STARTING, imp.net.WIFI_SCANNING, imp.net.WIFI_JOINING, imp.net.WIFI_WPSING,
    imp.net.WIFI_LINK_UP, imp.net.WIFI_DHCPING, imp.net.WIFI_STOPPED, imp.net.WIFI_STOPPED_UNHAPPY,
    imp.net.ETHERNET_LINK_UP, imp.net.ETHERNET_DHCPING, imp.net.ETHERNET_STOPPED, imp.net.ETHERNET_STOPPED_UNHAPPY,
    imp.net.ETHERNET_STOPPED_NO_LINK, imp.net.CELLULAR_PINGING, imp.net.CELLULAR_WAITING_FOR_SIM,
    imp.net.CELLULAR_PPP_CONNECTING, imp.net.CELLULAR_REGISTERING, imp.net.CELLULAR_REGISTRATION_DENIED,
    imp.net.CELLULAR_STOPPED, imp.net.CELLULAR_STOPPED_UNHAPPY];
  if (down.indexOf(state) > 1 && sock) {
    const c: espimp.Counters = sock.stats();
    server.error('down after ' + c.sent + ' sent, ' + c.refused + c.received + c.delivered + c.dropped + c.oversize + c.failed);
    sock.close();
    sock = null;
  }
}

imp.net.open({ interface: 'wifi', wificonfig: { ssid: 'lab', key: 'secret' }, staticconfig: { ip: '192.168.77.5', netmask: '255.255.255.0', gateway: '192.168.77.1', dns: ['192.168.77.1'] } }, null);
imp.net.open({ interface: 'eth0' });
const info: espimp.NetInfo = imp.net.info();
const first: espimp.InterfaceInfo = info.interface[0];
const nic: espimp.Nic = { interface: first.nii };
const iface: espimp.Interface = imp.net.open(nic, onState);
const totals: espimp.Counters = imp.net.stats();
server.log(totals.sent + ' ' + info.active + ' ' + info.ipv4.address + ' ' + first.type + ' ' + first.state + ' ' + first.ipv4.netmask);

wake = imp.wakeup(0.5, function () { server.log('ms ' + imp.millis()); });
imp.cancelwakeup(wake);

agent.on('config', function (data) { server.log(data.poll); });
agent.on('config', null);
const sent: number = agent.send('hello', { n: 1 }) + agent.send('ping') + agent.send('raw', blob(2));
const link: espimp.AgentStats = agent.stats();
server.log(sent + link.sent + link.received + link.unhandled + link.bad);
server.log({ any: 'object' });

const t = setTimeout(function (a: number) { console.log('a', a); }, 10, 1);
clearTimeout(t);
const every = setInterval(function () { console.error('tick'); }, 1000);
clearInterval(every);
imp.wakeup(5, function () { iface.close(); });

/** Never called: what the declarations must refuse. */
function refused(s: espimp.UdpSocket, data: blob) {
  // @ts-expect-error a port is a number
  s.send('192.168.77.9', '2001', data);
  // @ts-expect-error data is a string or a blob
  s.send('192.168.77.9', 2001, 42);
  // @ts-expect-error not an NII
  imp.net.open({ interface: 'wlan0' });
  // @ts-expect-error the state constants are read-only
  imp.net.CONNECTED = 2;
  // @ts-expect-error seconds are a number
  imp.wakeup('1', function () {});
  // @ts-expect-error a readn type is one of c b s w i f d
  data.readn('x');
  // @ts-expect-error blob has no such method
  data.readBlob(2);
}
