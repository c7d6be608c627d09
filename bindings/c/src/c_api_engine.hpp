// What an hse_engine handle holds. Internal to the C API.
#pragma once

#include <memory>

#include "engine/engine.hpp"

struct hse_engine {
  std::unique_ptr<hse::engine::Engine> engine;
};

namespace hse::capi {

// The engine behind `handle`; throws Error(invalid) naming "engine" when it is NULL.
hse::engine::Engine& engine_of(hse_engine* handle);

}  // namespace hse::capi
