#!/usr/bin/python3
"""flood_pcap.py: ERSPAN II packets from many spoofed exporter addresses (one packet each),
interleaved with real exporters' packets, for the collector's resource-bound tests.

usage: flood_pcap.py OUT.pcap|--send IFACE SPOOFED REAL_IP:SID:EVERY [REAL_IP:SID:EVERY ...]

Spoofed sources are 198.18.x.y (one each); a real exporter sends every EVERY-th packet, inner UDP
to port 4242 so that tshark counts them, GRE sequence numbers from 0. Packets are built by scapy
(one template per kind), then only addresses, sequence numbers and checksums change, so that 5,000
packets take well under a second. Prints the number of packets of each real exporter.
"""
import socket
import struct
import sys

from scapy.all import GRE, IP, UDP, Ether, Raw
from scapy.contrib.erspan import ERSPAN_II

IP_OFF = 14
GRE_SEQ_OFF = IP_OFF + 20 + 4


def template(src, sid, dport):
    inner = (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
             IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1000, dport=dport) / Raw(b"x" * 64))
    outer = (Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b") /
             IP(src=src, dst="10.77.0.2", ttl=64) /
             GRE(proto=0x88BE, seqnum_present=1, sequence_number=0) / ERSPAN_II(ver=1, session_id=sid) / inner)
    return bytearray(bytes(outer))


def ip_checksum(header):
    total = sum(struct.unpack("!10H", header))
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def finish(pkt, src, seq):
    pkt[IP_OFF + 12:IP_OFF + 16] = socket.inet_aton(src)
    pkt[IP_OFF + 10:IP_OFF + 12] = b"\0\0"
    pkt[IP_OFF + 10:IP_OFF + 12] = struct.pack("!H", ip_checksum(bytes(pkt[IP_OFF:IP_OFF + 20])))
    pkt[GRE_SEQ_OFF:GRE_SEQ_OFF + 4] = struct.pack("!I", seq)
    return bytes(pkt)


def packets(spoofed, reals):
    spoof = template("198.18.0.1", 1, 9)
    real_templates = [template(ip, sid, 4242) for ip, sid, _ in reals]
    sent = [0] * len(reals)
    n = 0
    i = 0
    while i < spoofed:
        for r, (ip, _, every) in enumerate(reals):
            if n % every == 0:
                yield finish(real_templates[r], ip, sent[r])
                sent[r] += 1
        n += 1
        yield finish(spoof, "198.18.%d.%d" % (i >> 8, i & 0xFF), 0)
        i += 1
    print(" ".join("%s:%d" % (ip, sent[r]) for r, (ip, _, _) in enumerate(reals)))


def main():
    target, spoofed = sys.argv[1:3]
    reals = []
    for arg in sys.argv[3:] if target != "--send" else sys.argv[4:]:
        ip, sid, every = arg.split(":")
        reals.append((ip, int(sid), int(every)))
    if target == "--send":
        iface, spoofed = sys.argv[2], sys.argv[3]
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        sock.bind((iface, 0))
        for p in packets(int(spoofed), reals):
            sock.send(p)
        return
    with open(target, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for k, p in enumerate(packets(int(spoofed), reals)):
            out.write(struct.pack("<IIII", 1700000000 + k // 1000000, k % 1000000, len(p), len(p)))
            out.write(p)


if __name__ == "__main__":
    main()
