// Link-local discovery, mDNS-style, with espimp's multicast extension (udpsocket.join: not in
// impOS). Every device joins the mDNS group 224.0.0.251 on port 5353, announces itself, asks
// once at start (and every 30 s) who offers "_espimp._udp.local", and answers every such
// question, to the group, with its name and address; it logs each device it learns of.
// Text messages, DNS-SD in spirit, not DNS packets:
//   "? _espimp._udp.local"              a question
//   "! espimp-3.local 192.168.77.3"     an answer (also sent unasked, as an announcement)
// Where the driver has no multicast (the boards, for now) join throws ERR_NOT_SUPPORTED.
var GROUP = '224.0.0.251';
var PORT = 5353;
var SERVICE = '_espimp._udp.local';
var iface = null;
var sock = null;
var me = null;
var name = null;
var known = {};

function answer() {
  sock.send(GROUP, PORT, '! ' + name + ' ' + me);
}

function ask() {
  if (sock == null) return;
  sock.send(GROUP, PORT, '? ' + SERVICE);
  imp.wakeup(30, ask);
}

function onDatagram(fromAddress, fromPort, toAddress, toPort, data) {
  var msg = data.tostring();
  if (msg == '? ' + SERVICE) {
    answer();
  } else if (msg.indexOf('! ') == 0) {
    var parts = msg.split(' ');
    if (parts.length == 3 && parts[2] != me && known[parts[1]] != parts[2]) {
      known[parts[1]] = parts[2];
      server.log('found ' + parts[1] + ' at ' + parts[2]);
    }
  }
}

function onState(state) {
  if (state == imp.net.CONNECTED && sock == null) {
    me = iface.getiptable().ipv4.address;
    name = 'espimp-' + me.split('.')[3] + '.local';
    sock = iface.openudp(onDatagram, PORT);
    try {
      sock.join(GROUP);
    } catch (e) {
      server.error('no link-local multicast here (' + e.code + ')');
      sock.close();
      return;
    }
    server.log(name + ' at ' + me + ', in ' + GROUP + ':' + PORT);
    answer();
    ask();
  }
}

iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, onState);
