// The echo server's peer: once connected, broadcasts "ping 1", "ping 2", ... to port 2001
// every second and logs each echo that comes back. npm run sim runs it beside echo.ts on the
// simulated LAN; the test (test/app.test.js) checks their conversation.
const ECHO_PORT = 2001;
let iface: espimp.Interface | null = null;
let socket: espimp.UdpSocket | null = null;
let pings = 0;

function echoReceived(fromAddress: string, fromPort: number, toAddress: string, toPort: number, data: blob): void {
  server.log('Echo from ' + fromAddress + ':' + fromPort + ': ' + data.tostring());
}

function ping(): void {
  if (socket == null) return;
  pings++;
  const result = socket.send('255.255.255.255', ECHO_PORT, 'ping ' + pings);
  if (result != 0) server.error('Could not send ping ' + pings + ' (code: ' + result + ')');
  imp.wakeup(1, ping);
}

iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, function (state: number) {
  if (state == imp.net.CONNECTED && socket == null) {
    socket = iface!.openudp(echoReceived);
    ping();
  }
});
