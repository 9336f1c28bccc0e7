# Independent check of exporter output with scapy: decapsulates every packet of OUT.pcap with
# scapy's GRE/ERSPAN layers (Type I by hand: scapy dissects it as Type II) and compares the inner
# frame with the same-numbered frame of IN.pcap (a prefix when the T bit says truncated; Type I
# and GRE-TEB have no T bit, so a shorter frame must be a prefix).
# Usage: inner_frames.py IN.pcap OUT.pcap TYPE   (TYPE: erspan1|erspan2|erspan3|gre)
# Prints "ok N truncated M" or the first mismatch, exit status 1 on mismatch.
import sys

from scapy.all import GRE, IP, IPv6, rdpcap, load_contrib

load_contrib("erspan")
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III, ERSPAN_PlatformSpecific  # noqa: E402

inputs = [bytes(p) for p in rdpcap(sys.argv[1])]
outputs = rdpcap(sys.argv[2])
kind = sys.argv[3]
truncated = 0
for n, pkt in enumerate(outputs):
    gre = pkt[GRE]
    t = False
    if kind == "erspan1":
        inner = bytes(gre)[4:]
    elif kind == "gre":
        inner = bytes(gre.payload)
    elif kind == "erspan2":
        inner = bytes(pkt[ERSPAN_II].payload)
        t = pkt[ERSPAN_II].t == 1
    else:
        layer = pkt[ERSPAN_PlatformSpecific] if pkt.haslayer(ERSPAN_PlatformSpecific) else pkt[ERSPAN_III]
        inner = bytes(layer.payload)
        t = pkt[ERSPAN_III].t == 1
    want = inputs[n]
    if kind in ("erspan1", "gre") and len(inner) < len(want):
        t = True  # these types have no T bit: a cut frame is simply shorter
    if t:
        truncated += 1
        ok = len(inner) < len(want) and want.startswith(inner)
    else:
        ok = inner == want
    if not ok:
        print("mismatch at %d: got %d bytes, want %d, T=%s" % (n, len(inner), len(want), t))
        sys.exit(1)
print("ok %d truncated %d" % (len(outputs), truncated))
