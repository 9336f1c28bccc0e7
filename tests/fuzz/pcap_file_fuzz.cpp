// libFuzzer target for the classic pcap reader: arbitrary bytes as a mapped file must never make
// it crash, overread or loop, and every record it reads must come back identical after the
// encoder writes it into a file of the same format.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "erspan/pcap_reader.h"

namespace {

using namespace ovse::erspan;

void checkReencodes(const PcapFileInfo& info, const PcapRecordView& r) {
  PcapFileFormat format{.precision = info.precision,
                        .snap_len = std::max(info.snap_len, kPcapMaxCapLen),
                        .link_type = info.link_type};
  std::vector<std::uint8_t> file(kPcapFileHeaderBytes + pcapRecordBytes(format, r.data.size()));
  if (!encodePcapFileHeader(format, file).has_value()) std::abort();
  PcapPacket packet{
      .timestamp_ns = r.timestamp_ns, .data = r.data, .original_bytes = r.original_bytes};
  auto written = encodePcapRecord(format, packet, std::span(file).subspan(kPcapFileHeaderBytes));
  if (!written.has_value()) return;  // seconds beyond 2106 cannot be written back
  auto again_info = parsePcapFileHeader(file);
  if (!again_info.has_value()) std::abort();
  auto again = readPcapRecord(*again_info, file, kPcapFileHeaderBytes);
  if (!again.has_value() || again->timestamp_ns != r.timestamp_ns ||
      again->data.size() != r.data.size() || again->next_offset != file.size() ||
      !std::equal(r.data.begin(), r.data.end(), again->data.begin())) {
    std::abort();
  }
  // The encoder raises an original length below the captured one; the reader reports as is.
  if (again->original_bytes != std::max<std::uint32_t>(r.original_bytes, r.data.size())) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> file(data, size);
  auto info = parsePcapFileHeader(file);
  if (!info.has_value()) return 0;
  std::size_t offset = kPcapFileHeaderBytes;
  while (offset != file.size()) {
    auto record = readPcapRecord(*info, file, offset);
    if (!record.has_value()) break;
    if (record->next_offset <= offset || record->next_offset > file.size()) std::abort();
    checkReencodes(*info, *record);
    offset = record->next_offset;
  }
  return 0;
}
