// Row ids: 4HSE ids are UUIDs the client may choose; the status-page API's are
// integers the server picks, so a UUID there is a local id not yet mapped.
#pragma once

#include <string>

namespace hse {

// True for a UUID in canonical 8-4-4-4-12 hex form (either case).
bool is_uuid(const std::string& s);

}  // namespace hse
