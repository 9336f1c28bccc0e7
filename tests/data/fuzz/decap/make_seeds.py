#!/usr/bin/env python3
"""Writes the decap fuzzer's seed corpus (next to this script) from the codec's known-answer
vectors: ERSPAN-NOTES §1.6 examples wrapped in IPv4/IPv6, Open vSwitch test frames, and VXLAN
(RFC 7348) and Geneve (RFC 8926, with options) over UDP."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
INNER = bytes.fromhex("020000000002020000000001080045000014000000004001f7e8c0000201c0000202")


def ipv4(gre: bytes) -> bytes:
    total = 20 + len(gre)
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 47, 0,
                       bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + gre


def ipv6(gre: bytes, ext: bytes = b"") -> bytes:
    nxt = 60 if ext else 47
    return (struct.pack("!IHBB", 0x60000000, len(ext) + len(gre), nxt, 64) + bytes(15) + b"\1" +
            bytes(15) + b"\2" + ext + gre)


def udp(port: int, overlay: bytes) -> bytes:
    """UDP from 51234 to `port` carrying `overlay` (its header) and INNER."""
    body = overlay + INNER
    return struct.pack("!HHHH", 51234, port, 8 + len(body), 0) + body


def ipv4_udp(datagram: bytes) -> bytes:
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(datagram), 0, 0x4000, 64, 17, 0,
                       bytes([10, 0, 1, 5]), bytes([10, 99, 0, 2])) + datagram


def ipv6_udp(datagram: bytes) -> bytes:
    return (struct.pack("!IHBB", 0x60000000, len(datagram), 17, 64) + bytes(15) + b"\5" +
            bytes(15) + b"\2" + datagram)


def ether(ip: bytes, tags: bytes = b"") -> bytes:
    kind = b"\x86\xdd" if ip[0] >> 4 == 6 else b"\x08\x00"
    return bytes.fromhex("02000000000b02000000000a") + tags + kind + ip


SEEDS = {
    "type1_ipv4": ipv4(bytes.fromhex("000088be") + INNER),
    "type2_ipv4": ipv4(bytes.fromhex("100088be000000001000007b00000003") + INNER),
    "type2_tagged_ether": ether(ipv4(bytes.fromhex("100088be000000011064b87b00000003") + INNER)),
    "type3_ipv4": ipv4(bytes.fromhex("100022eb000000002000023710abcd0100008078") + INNER),
    "type3_subheader_ipv6": ipv6(
        bytes.fromhex("100022eb00000000200002373b9aca00000000750c0012345f5e1000") + INNER),
    "type3_no_seq_qinq": ether(ipv4(bytes.fromhex("000022eb2000023710abcd0100008078") + INNER),
                               bytes.fromhex("88a800648100000a")),
    "type3_under_88be_ipv6_destopt": ether(ipv6(
        bytes.fromhex("100088be0000000720004079af514f9b00008070") + INNER,
        bytes.fromhex("2f00040104010100"))),
    "gre_teb_key_seq": ether(ipv4(bytes.fromhex("30006558deadbeef00000009") + INNER)),
    "vxlan_ipv4": ether(ipv4_udp(udp(4789, bytes.fromhex("0800000001e24000")))),
    "vxlan_ipv6_tagged": ether(ipv6_udp(udp(4789, bytes.fromhex("080000000000 2a00".replace(" ", "")))),
                               bytes.fromhex("81000064")),
    "geneve_options_ipv4": ether(ipv4_udp(udp(6081, bytes.fromhex(
        "034065580000 4d00 01028002 11111111 22222222".replace(" ", ""))))),
    "geneve_ipv6": ipv6_udp(udp(6081, bytes.fromhex("0000655800000100"))),
    "ovs_tunnel_push_pop_v1": bytes.fromhex(
        "aa55aa550000001b213cab6408004500007e79464000402fba550101025c01010258100088be000000011000"
        "007b00000003fe71d883724fbeb6f4e1494a080045000054ba200000400184861e0000011e00000200004227"
        "e75400030af3195500000000f265010000000000101112131415161718191a1b1c1d1e1f2021222324252627"
        "28292a2b2c2d2e2f3031323334353637"),
}

if __name__ == "__main__":
    for name, data in SEEDS.items():
        with open(os.path.join(HERE, name + ".bin"), "wb") as f:
            f.write(data)
