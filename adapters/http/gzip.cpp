#include "adapters/http/gzip.hpp"

#include <zlib.h>

#include "core/error.hpp"

namespace hse::adapters::http {

std::string gunzip(std::string_view data, std::size_t max_bytes) {
  z_stream zs{};
  // 16 + MAX_WBITS: expect a gzip header, not a raw zlib one.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw Error(Code::internal, "zlib: inflateInit2 failed");
  struct Guard {
    z_stream* z;
    ~Guard() { inflateEnd(z); }
  } guard{&zs};

  std::string out;
  out.resize(std::min<std::size_t>(max_bytes, std::max<std::size_t>(data.size() * 4, 4096)));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::size_t produced = 0;
  while (true) {
    if (produced == out.size()) {
      if (out.size() >= max_bytes) throw Error(Code::server, "answer body inflates beyond max_body_bytes (" + std::to_string(max_bytes) + ")");
      out.resize(std::min(max_bytes, out.size() * 2));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size() - produced, 1u << 30));
    uInt before = zs.avail_out;
    int rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) throw Error(Code::server, "gzip answer body is truncated");
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw Error(Code::server, "gzip answer body is corrupt");
  }
  out.resize(produced);
  return out;
}

std::string gzip(std::string_view data, int level) {
  z_stream zs{};
  // 16 + MAX_WBITS: write a gzip header, not a raw zlib one.
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(Code::internal, "zlib: deflateInit2 failed");
  struct Guard {
    z_stream* z;
    ~Guard() { deflateEnd(z); }
  } guard{&zs};
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw Error(Code::internal, "zlib: deflate did not finish");
  out.resize(zs.total_out);
  return out;
}

}  // namespace hse::adapters::http
