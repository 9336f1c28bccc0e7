#!/usr/bin/python3
"""Sends inner Ethernet frames through a Linux vxlan device (scapy); prints them as JSON hex.
Usage: vxlan_send.py IFACE COUNT. Every fourth frame is 8965 bytes (a 9001-byte outer IPv4
packet once VXLAN-encapsulated); the others 60..1460 bytes."""
import json
import sys

from scapy.all import IP, UDP, Ether, Raw, sendp


def main():
    iface, count = sys.argv[1], int(sys.argv[2])
    frames = []
    for i in range(count):
        size = 9001 - 20 - 8 - 8 if i % 4 == 1 else 60 + (i * 37) % 1400
        head = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(
            src="172.16.0.1", dst="172.16.0.2", id=i) / UDP(sport=1000 + i, dport=2000)
        frames.append(bytes(head / Raw(bytes([i % 256]) * (size - len(head)))))
    sendp([Ether(f) for f in frames], iface=iface, verbose=False)
    print(json.dumps([f.hex() for f in frames]))


if __name__ == "__main__":
    main()
