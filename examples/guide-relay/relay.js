// The impOS interface.openudp() example "Create a send-only UDP socket at port 1234",
// translated line for line from its Squirrel (../shared/seeds/impos-interface-openudp.txt):
// data the agent sends as "relay.data" goes out via UDP from port 1234 to port 1234 of one
// LAN address. One change: that address is 192.168.77.1 where the guide has 192.168.0.1,
// which is outside the test LAN of `espimp run`, `sim` and the linux board (there a send to it
// returns 1 and says so). Like the guide it names eth0; agent.js beside it is an agent that
// sends readings to relay (`espimp run relay.js --agent agent.js`).
var udpsocket = null;
var interface = null;

function interfaceHandler(state) {
  if (state == imp.net.CONNECTED && udpsocket == null) {
    // We're connected, so initiate UDP
    udpsocket = interface.openudp(null, 1234);
  }

  if (state == imp.net.ETHERNET_STOPPED ||
      state == imp.net.ETHERNET_STOPPED_UNHAPPY ||
      state == imp.net.ETHERNET_STOPPED_NO_LINK) {
    server.error("Ethernet error - closing UDP");
    if (udpsocket != null) {
      udpsocket.close();
      udpsocket = null;
    }
  }
}

interface = imp.net.open({"interface": "eth0"}, interfaceHandler);

// When relay-able data comes in from the agent,
// send it out to the local network via UDP
agent.on("relay.data", function(data) {
  // Check that the UDP socket is still open
  if (udpsocket.isopen()) {
    var result = udpsocket.send("192.168.77.1", 1234, data);
    if (result != 0) server.error("Could not send the data (code: " + result + ")");
  } else {
    server.error("UDP socket on port 1234 is not open for sending");
  }
});
