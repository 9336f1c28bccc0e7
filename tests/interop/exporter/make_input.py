# Writes the exporter interop input: a nanosecond pcap of varied frames (UDP, tagged TCP, ARP,
# IPv6, one 1600-byte frame) with fixed timestamps. Usage: make_input.py OUT.pcap
import sys

from scapy.all import ARP, IP, TCP, UDP, Dot1Q, Ether, IPv6, PcapWriter, Raw

frames = []
for i in range(6):
    frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                  IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1000 + i, dport=53) /
                  Raw(b"u" * (20 + i)))
frames.append(Ether(src="02:00:00:00:00:03", dst="02:00:00:00:00:04") /
              Dot1Q(vlan=100, prio=5) / IP(src="10.0.1.1", dst="10.0.1.2") / TCP(dport=80))
frames.append(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="10.0.0.2"))
frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
              IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=5, dport=6) / Raw(b"6" * 30))
frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
              IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=7, dport=8) / Raw(b"B" * 1600))

writer = PcapWriter(sys.argv[1], nano=True, sync=True)
for i, f in enumerate(frames):
    f.time = 1700000000 + i + 0.123456789  # float; the exact ns are read back by the test
    writer.write(f)
writer.close()
