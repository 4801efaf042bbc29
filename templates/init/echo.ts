// UDP echo server on port 2001 (the impOS local-networking guide's): every datagram sent to
// this device, or broadcast, goes back to its sender. The same file runs on this PC
// (npm start), on the simulated LAN beside client.ts (npm run sim, npm test) and on the
// board (npm run build, npm run flash).
const ECHO_PORT = 2001;
let iface: espimp.Interface | null = null;
let udpsocket: espimp.UdpSocket | null = null;
let ucastIP = '';
let bcastIP = '';

function dataReceived(fromAddress: string, fromPort: number, toAddress: string, toPort: number, data: blob): void {
  if (toAddress != ucastIP && toAddress != bcastIP && toAddress != '255.255.255.255') return;
  server.log('Received ' + data.len() + ' bytes from ' + fromAddress + ':' + fromPort + ' to ' + toAddress + ':' + toPort);
  const result = udpsocket!.send(fromAddress, fromPort, data);
  if (result != 0) server.error('Could not send the data (code: ' + result + ')');
}

function interfaceHandler(state: number): void {
  if (state == imp.net.CONNECTED && udpsocket == null) {
    const ip = iface!.getiptable().ipv4;
    ucastIP = ip.address || '';
    bcastIP = ip.broadcast || '';
    udpsocket = iface!.openudp(dataReceived, ECHO_PORT);
    server.log('Echo server on ' + ucastIP + ':' + ECHO_PORT);
  }
  if (state == imp.net.ETHERNET_STOPPED || state == imp.net.ETHERNET_STOPPED_UNHAPPY ||
      state == imp.net.ETHERNET_STOPPED_NO_LINK || state == imp.net.WIFI_STOPPED ||
      state == imp.net.WIFI_STOPPED_UNHAPPY) {
    server.error('Network error - closing UDP');
    if (udpsocket != null) {
      udpsocket.close();
      udpsocket = null;
    }
  }
}

// the board's first interface: wl0 on the Wi-Fi boards, eth0 on the wired ones
iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, interfaceHandler);
