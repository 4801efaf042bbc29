// The impOS local-networking guide's UDP echo server (echo.js beside this file), portable: it
// opens the board's first NII (imp.net.info().interface[0].nii: eth0 or wl0, whichever the
// board has first) where the guide's imp005 opens eth0, and its handler also watches the
// Wi-Fi stopped states. Nothing else changes; it runs on every board, the PC and in sim.
var udpsocket = null;
var interface = null;
var ucastIP = null;
var bcastIP = null;

function dataReceived(fromAddress, fromPort, toAddress, toPort, data) {
  // Check that we are the destination (unicast or broadcast)
  if (toAddress == ucastIP || toAddress == bcastIP) {
    // Log the receipt of data
    server.log("Received " + data.len() + "bytes from " + fromAddress + ":" + fromPort);

    // Echo it back
    var result = udpsocket.send(fromAddress, fromPort, data);
    if (result != 0) server.error("Could not send the data (code: " + result + ")");
  }
}

function interfaceHandler(state) {
  if (state == imp.net.CONNECTED && udpsocket == null) {
    // We're connected, so initiate UDP
    udpsocket = interface.openudp(dataReceived, 2001);
  }

  if (state == imp.net.ETHERNET_STOPPED ||
      state == imp.net.ETHERNET_STOPPED_UNHAPPY ||
      state == imp.net.ETHERNET_STOPPED_NO_LINK ||
      state == imp.net.WIFI_STOPPED ||
      state == imp.net.WIFI_STOPPED_UNHAPPY) {
    server.error("Network error - closing UDP");
    if (udpsocket != null) {
      udpsocket.close();
      udpsocket = null;
    }
  }
}

// Set up a UDP echo server
// Get an interface object
interface = imp.net.open({"interface": imp.net.info().interface[0].nii}, interfaceHandler);

// Get the imp's IP and the network broadcast IP
var i = imp.net.info();
ucastIP = i.ipv4.address;
bcastIP = i.ipv4.broadcast;
