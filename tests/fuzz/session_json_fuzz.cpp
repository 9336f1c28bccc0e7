// libFuzzer target for the session JSON form: bytes → parseJson (depth-limited) → sessionFromJson →
// validateSession, and the same bytes as a store file through sessionsFromStoreText (no disk).
// Never crashes or throws; every session that parses survives sessionToJson → text → parse with
// nothing changed, and dumpJson of whatever parsed never throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mirror_manager/json_text.h"
#include "mirror_manager/session_json.h"
#include "mirror_manager/store.h"
#include "mirror_manager/validation.h"

namespace {

using namespace ovse::manager;

// A session as the store writes it must read back as the same session.
void roundTrip(const Session& s) {
  auto text = dumpJson(sessionToJson(s), 2);
  auto again = parseJson(text);
  if (!again) std::abort();
  auto back = sessionFromJson(*again);
  if (!back || !(*back == s)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto j = parseJson(text)) {
    (void)dumpJson(*j, 2);
    if (auto s = sessionFromJson(*j)) {
      (void)validateSession(*s, {}, {});
      roundTrip(*s);
    } else if (s.error().message.empty()) {
      std::abort();  // every refusal says why
    }
  } else if (j.error().message().empty() || j.error().byte > size + 1) {
    std::abort();  // an error names a byte inside the input (or one past its end)
  }
  if (auto sessions = sessionsFromStoreText(text, "fuzz.json")) {
    for (const auto& s : *sessions) roundTrip(s);
    auto list = sessionsFromJson(sessionsToJson(*sessions));
    if (!list || !(*list == *sessions)) std::abort();
  }
  return 0;
}
