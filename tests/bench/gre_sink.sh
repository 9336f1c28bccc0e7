# gre_sink.sh: sourced by the live benches. `gre_sink NETNS DEV` makes DEV in NETNS a collector
# that only counts: veth rx_packets go up as the veth hands each packet over, and an nftables
# netdev-ingress rule drops GRE right there, before IP input (ARP still answers).
# Why: on a veth the receiver's softirq runs on the sender's CPU, so a sink that delivered GRE to
# an IP stack without a GRE handler (ICMP unreachable per packet) or failed a route lookup per
# packet (an address-less sink allocates and RCU-frees a dst each time) charged a third of the
# sender's CPU to the bench. Every side of a comparison gets the same sink.
gre_sink() {
  ip netns exec "$1" nft add table netdev bench_sink
  ip netns exec "$1" nft add chain netdev bench_sink gre \
    "{ type filter hook ingress device $2 priority 0; policy accept; }"
  ip netns exec "$1" nft add rule netdev bench_sink gre meta protocol ip ip protocol gre drop
  ip netns exec "$1" nft add rule netdev bench_sink gre meta protocol ip6 ip6 nexthdr gre drop
}
