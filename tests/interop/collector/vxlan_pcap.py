#!/usr/bin/python3
"""AWS-style VXLAN and Geneve mirror traffic for the collector, built with scapy (an
implementation independent of ours). Usage: vxlan_pcap.py OUT.pcap; prints as JSON what each
session's file must hold: {"vxlan-10.0.1.5-vni100": ["<inner frame hex>", ...], ...} plus
"not_ours": {reason: count}.

AWS VPC Traffic Mirroring: every session's copies in VXLAN to UDP 4789 with the session's VNI,
a random UDP source port per flow, frames up to the 9001-byte MTU (outer IP packet).
Besides: Geneve with options from an IPv6 exporter, and packets the collector must refuse.
"""
import json
import random
import sys

from scapy.all import IP, UDP, Ether, IPv6, Raw, wrpcap
from scapy.contrib.geneve import GENEVE
from scapy.layers.vxlan import VXLAN

AWS = "10.0.1.5"
V6 = "2001:db8::5"
OUTER_MTU = 9001


def inner(n, size):
    """An inner frame of exactly `size` bytes, numbered n."""
    head = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(
        src="172.31.0.1", dst="172.31.0.2", id=n) / UDP(sport=1000 + n, dport=2000)
    return head / Raw(bytes([n % 256]) * (size - len(head)))


def main():
    rnd = random.Random(19)
    pkts, expected = [], {}
    vnis = [100, 200, 123456]
    for n in range(60):
        vni = vnis[n % 3]
        # Every third frame a jumbo: the outer IP packet exactly 9001 bytes.
        size = OUTER_MTU - 20 - 8 - 8 if n % 3 == 1 else rnd.randint(60, 1514)
        frame = inner(n, size)
        pkts.append(Ether(src="02:fc:00:00:00:01", dst="02:fc:00:00:00:02") /
                    IP(src=AWS, dst="10.99.0.2") /
                    UDP(sport=rnd.randint(49152, 65535), dport=4789) /
                    VXLAN(flags=0x08, vni=vni) / frame)
        expected.setdefault(f"vxlan-{AWS}-vni{vni}", []).append(bytes(frame).hex())
    assert max(len(p[IP]) for p in pkts) == OUTER_MTU
    for n in range(5):
        frame = inner(100 + n, 200)
        # Opt Len 2: one 4-byte option header + 4 bytes of data, critical bit on the first.
        opt = bytes.fromhex("0102" "80" "01" "deadbeef")
        pkts.append(Ether() / IPv6(src=V6, dst="2001:db8::2") /
                    UDP(sport=rnd.randint(49152, 65535), dport=6081) /
                    GENEVE(vni=77, proto=0x6558, critical=1, optionlen=2, options=opt) / frame)
        expected.setdefault(f"geneve-{V6}-vni77", []).append(bytes(frame).hex())
    # Refused and counted: VXLAN without the I flag, Geneve carrying IPv4 rather than Ethernet.
    pkts.append(Ether() / IP(src=AWS, dst="10.99.0.2") / UDP(sport=50000, dport=4789) /
                VXLAN(flags=0x00, vni=100) / inner(200, 100))
    pkts.append(Ether() / IP(src=AWS, dst="10.99.0.2") / UDP(sport=50000, dport=6081) /
                GENEVE(vni=5, proto=0x0800) / IP(dst="1.2.3.4"))
    expected["not_ours"] = {"VXLAN I flag clear (no VNI)": 1,
                            "Geneve protocol type is not Ethernet (0x6558)": 1}
    for i, p in enumerate(pkts):
        p.time = 1700000000 + i / 1000
    wrpcap(sys.argv[1], pkts)
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
