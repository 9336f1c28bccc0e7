#!/usr/bin/python3
"""ERSPAN II replays for the collector's loss accounting, built with scapy (an implementation
independent of ours). Usage: loss_pcap.py SCENARIO OUT.pcap; prints what was sent as JSON.

Scenarios:
  restart  session 1 numbers 1..1000, then the exporter restarts: 1..500 with 100..109 missing
  outlier  1..40 with one forged 0x7fffffff after 20
  shared   OVS-like native sessions 10 and 11 numbered from one host counter, randomly
           interleaved, beside session 20 numbered by its own counter, all from 10.0.0.1
  reorder  1..300 with 20 adjacent pairs swapped and 8 packets sent twice
  runt     inner frames of 0..13 bytes (runts) between 10 full frames
loss_pcap.py isb FILE.pcapng prints the interface statistics (ifrecv, ifdrop) per interface.
"""
import json
import random
import struct
import sys

from scapy.all import IP, UDP, Ether, GRE, Raw, wrpcap
from scapy.contrib.erspan import ERSPAN_II

EXPORTER = "10.0.0.1"


def packet(session, seq, inner=None):
    if inner is None:
        inner = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(
            src="192.0.2.1", dst="192.0.2.2") / UDP(sport=1000, dport=2000) / Raw(b"x" * 20)
    return (Ether(src="02:fc:00:00:00:01", dst="02:fc:00:00:00:02") /
            IP(src=EXPORTER, dst="10.0.0.2") /
            GRE(seqnum_present=1, sequence_number=seq, proto=0x88BE) /
            ERSPAN_II(ver=1, session_id=session) / inner)


def restart():
    seqs = list(range(1, 1001)) + [s for s in range(1, 501) if not 100 <= s <= 109]
    return [packet(1, s) for s in seqs], {"1": {"sent": len(seqs), "lost": 10, "restarts": 1}}


def outlier():
    seqs = list(range(1, 21)) + [0x7FFFFFFF] + list(range(21, 41))
    return [packet(1, s) for s in seqs], {"1": {"sent": len(seqs), "lost": 0, "invalid": 1}}


def shared():
    rnd = random.Random(18)
    host, own, pkts, sent = 1, 1, [], {"10": 0, "11": 0, "20": 0}
    for _ in range(3000):
        pick = rnd.choice(["10", "11", "20"])
        if pick == "20":
            pkts.append(packet(20, own))
            own += 1
        else:
            pkts.append(packet(int(pick), host))
            host += 1
        sent[pick] += 1
    return pkts, {k: {"sent": v, "lost": 0} for k, v in sent.items()}


def reorder():
    seqs = list(range(1, 301))
    for i in range(10, 210, 10):  # 20 swaps
        seqs[i], seqs[i + 1] = seqs[i + 1], seqs[i]
    out = []
    for i, s in enumerate(seqs):
        out.append(s)
        if i % 40 == 5:  # 8 duplicates
            out.append(s)
    return [packet(1, s) for s in out], {
        "1": {"sent": len(out), "lost": 0, "reordered": 20, "duplicated": 8}}


def runt():
    pkts, seq = [], 1
    for n in range(14):
        pkts.append(packet(1, seq, Raw(b"\x02" * n)))
        seq += 1
        if n < 10:
            pkts.append(packet(1, seq))
            seq += 1
    return pkts, {"1": {"sent": len(pkts), "runt": 14, "written": 10, "lost": 0}}


def isb(path):
    """{interface id: {"ifrecv": n, "ifdrop": n}} from the pcapng's interface statistics."""
    data, off, out = open(path, "rb").read(), 0, {}
    while off + 12 <= len(data):
        kind, length = struct.unpack_from("<II", data, off)
        if kind == 5:
            stats, opt = {}, off + 20
            while opt + 4 <= off + length - 4:
                code, size = struct.unpack_from("<HH", data, opt)
                if code == 0:
                    break
                if code in (4, 5):
                    stats["ifrecv" if code == 4 else "ifdrop"] = struct.unpack_from(
                        "<Q", data, opt + 4)[0]
                opt += 4 + ((size + 3) & ~3)
            out[str(struct.unpack_from("<I", data, off + 8)[0])] = stats
        off += length
    return out


def main():
    if sys.argv[1] == "isb":
        print(json.dumps(isb(sys.argv[2])))
        return
    scenario, out = sys.argv[1], sys.argv[2]
    pkts, expected = {"restart": restart, "outlier": outlier, "shared": shared,
                      "reorder": reorder, "runt": runt}[scenario]()
    for i, p in enumerate(pkts):
        p.time = 1700000000 + i / 1000
    wrpcap(out, pkts)
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
