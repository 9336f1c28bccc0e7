// CaptureWriter: pcap / pcapng encoding of decapsulated frames into a RecordFile.
#include "erspan/collector/capture_writer.h"

#include "erspan/pcap.h"

namespace ovse::erspan::collector {
namespace {

constexpr std::array<const char*, 3> kDirectionSuffix = {"", "-in", "-out"};

const char* typeText(const Session& session) {
  if (const char* overlay = namesOf(session.key.kind).overlay_name) return overlay;
  switch (session.last_type) {
    case ErspanType::kTypeI:
      return "ERSPAN Type I";
    case ErspanType::kTypeII:
      return "ERSPAN Type II";
    case ErspanType::kTypeIII:
      return "ERSPAN Type III";
    case ErspanType::kGreTeb:
      break;
  }
  return "GRE-TEB";
}

}  // namespace

CaptureWriter::CaptureWriter(std::unique_ptr<RecordFile> file, OutputFormat format,
                             std::uint32_t snap_len)
    : file_(std::move(file)), format_(format), snap_len_(snap_len) {}

std::expected<std::unique_ptr<CaptureWriter>, std::string> CaptureWriter::create(
    const std::string& path, OutputFormat format, std::size_t buffer_bytes,
    std::uint32_t snap_len_bytes, WriteBehind* write_behind,
    const io::FileCreateOptions& file_options) {
  auto file = RecordFile::create(path, buffer_bytes, write_behind, file_options);
  if (!file) return std::unexpected(file.error());
  std::unique_ptr<CaptureWriter> writer(new CaptureWriter(
      std::move(*file), format, snap_len_bytes == 0 ? kDefaultSnapLen : snap_len_bytes));
  if (!writer->writeHeader()) {
    // Leave no empty file behind (a full disk would otherwise collect one per retry).
    std::string error = writer->file_->error();
    writer.reset();
    if (path != "-") io::removeFile(path, file_options);
    return std::unexpected(error);
  }
  return writer;
}

bool CaptureWriter::writeHeader() {
  if (format_ == OutputFormat::kPcap) {
    const PcapFileFormat pcap{PcapPrecision::kNanoseconds, snap_len_, kLinkTypeEthernet};
    auto out = file_->reserve(kPcapFileHeaderBytes);
    if (out.empty()) return false;
    file_->commit(*encodePcapFileHeader(pcap, out));
  } else {
    const SectionHeader shb{{}, "Linux", "mirrorctl collect (ovs-erspan)"};
    auto out = file_->reserve(sectionHeaderBlockBytes(shb));
    if (out.empty()) return false;
    file_->commit(*encodeSectionHeaderBlock(shb, out));
  }
  // The header reaches the disk at once: an empty capture is still a valid file.
  return file_->flush();
}

bool CaptureWriter::writeInterface(const Session& session, PacketDirection direction) {
  const std::string name = session.label + kDirectionSuffix[static_cast<int>(direction)];
  const std::string description =
      !session.description.empty()
          ? session.description
          : std::string(typeText(session)) + " " + namesOf(session.key.kind).id_word + " " +
                std::to_string(session.key.id) + " from " + session.exporter_text +
                (lossMeasured(session) ? "" : " (no sequence numbers: loss not measurable)");
  // Every IDB of a file has the same link type and snap length: libpcap refuses mixed ones.
  const InterfaceDescription idb{kLinkTypeEthernet, snap_len_, name, description};
  auto out = file_->reserve(interfaceDescriptionBlockBytes(idb));
  if (out.empty()) return false;
  file_->commit(*encodeInterfaceDescriptionBlock(idb, out));
  return true;
}

std::optional<std::uint32_t> CaptureWriter::interfaceFor(const Session& session,
                                                         PacketDirection direction) {
  if (interface_ids_.size() <= session.index) {
    interface_ids_.resize(session.index + 1, {-1, -1, -1});
  }
  std::int32_t& id = interface_ids_[session.index][static_cast<int>(direction)];
  if (id < 0) {
    if (!writeInterface(session, direction)) return std::nullopt;
    id = static_cast<std::int32_t>(next_interface_id_++);
  }
  return static_cast<std::uint32_t>(id);
}

bool CaptureWriter::write(const Session& session, const OutputFrame& frame) noexcept {
  if (frame_count_ == 0) first_ns_ = frame.timestamp_ns;
  std::size_t bytes = 0;
  if (format_ == OutputFormat::kPcap) {
    const PcapFileFormat pcap{PcapPrecision::kNanoseconds, snap_len_, kLinkTypeEthernet};
    const PcapPacket packet{frame.timestamp_ns, frame.data, frame.original_bytes};
    auto out = file_->reserve(pcapRecordBytes(pcap, frame.data.size()));
    if (out.empty()) return false;
    auto n = encodePcapRecord(pcap, packet, out);
    if (!n) return true;  // seconds beyond 2106: cannot be expressed, skipped
    bytes = *n;
  } else {
    const auto id = interfaceFor(session, frame.direction);
    if (!id) return false;
    const EnhancedPacket epb{*id,       frame.timestamp_ns, frame.data,      frame.original_bytes,
                             snap_len_, frame.direction,    frame.crc_error, frame.drop_count,
                             {}};
    auto out = file_->reserve(enhancedPacketBlockBytes(epb));
    if (out.empty()) return false;
    bytes = *encodeEnhancedPacketBlock(epb, out);
  }
  file_->commit(bytes);
  ++frame_count_;
  return true;
}

bool CaptureWriter::close(const std::vector<std::unique_ptr<Session>>& sessions,
                          std::uint64_t now_ns) {
  if (format_ == OutputFormat::kPcapng && !file_->failed()) {
    for (std::size_t s = 0; s < interface_ids_.size() && s < sessions.size(); ++s) {
      const Session& session = *sessions[s];
      // Loss is known per session (a shared counter's loss is shared among its sessions), so it
      // goes on the session's first interface.
      bool loss_written = false;
      for (const std::int32_t id : interface_ids_[s]) {
        if (id < 0) continue;
        InterfaceStatistics isb;
        isb.interface_id = static_cast<std::uint32_t>(id);
        isb.timestamp_ns = now_ns;
        isb.start_time_ns = first_ns_;
        isb.end_time_ns = now_ns;
        isb.received_count = session.packet_count;
        // isb_ifdrop left out where loss cannot be measured: 0 would claim none was lost.
        if (!loss_written && lossMeasured(session)) {
          isb.interface_drop_count = session.seq.counters().lost_count;
        }
        loss_written = true;
        auto out = file_->reserve(interfaceStatisticsBlockBytes(isb));
        if (out.empty()) break;
        file_->commit(*encodeInterfaceStatisticsBlock(isb, out));
      }
    }
  }
  return file_->close();
}

}  // namespace ovse::erspan::collector
