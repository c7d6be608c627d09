#include "core/json_input.hpp"

#include <utility>
#include <vector>

namespace hse {

int json_text_depth(std::string_view text, int stop_above) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > stop_above) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::size_t json_span_end(std::string_view text, std::size_t at, int max_depth) {
  int depth = 0;
  for (std::size_t i = at; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (i >= text.size()) return std::string_view::npos;
      if (depth == 0) return i + 1;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return std::string_view::npos;
    } else if ((c == ']' || c == '}') && --depth <= 0) {
      return depth == 0 ? i + 1 : std::string_view::npos;
    } else if (depth == 0) {
      return std::string_view::npos;  // not a string, an array or an object
    }
  }
  return std::string_view::npos;
}

int json_value_depth(const nlohmann::json& value, int stop_above) {
  std::vector<std::pair<const nlohmann::json*, int>> todo{{&value, 0}};
  int deepest = 0;
  while (!todo.empty()) {
    auto [v, above] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    int depth = above + 1;
    if (depth > deepest && (deepest = depth) > stop_above) return deepest;
    for (const auto& child : *v)
      if (child.is_structured()) todo.emplace_back(&child, depth);
  }
  return deepest;
}

namespace {

[[noreturn]] void refuse(Code code, const std::string& what, const std::string& why) {
  throw Error(code, what + " " + why, {{what, why}});
}

// The reason in nlohmann's message ("... while parsing value - invalid string:
// ill-formed UTF-8 byte; last read: '...'"), without the echo of the input.
std::string reason(std::string_view message) {
  size_t dash = message.find(" - ");
  std::string_view r = dash == std::string_view::npos ? std::string_view("syntax error") : message.substr(dash + 3);
  r = r.substr(0, r.find("; last read"));
  return std::string(r.substr(0, 120));
}

std::string too_deep(int max_depth) {
  return "nests arrays and objects deeper than " + std::to_string(max_depth) + " levels";
}

// nlohmann's DOM builder, stopping the parse at the first array or object deeper than
// the limit: the value is never built that deep, and the text is read once (a scan of
// its depth before the parse was 3-5% of a pull's client CPU, bench_sync).
class BoundedDomBuilder : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
  using Builder = nlohmann::detail::json_sax_dom_parser<nlohmann::json>;

 public:
  BoundedDomBuilder(nlohmann::json& root, int max_depth) : Builder(root), max_depth_(max_depth) {}
  // The parser calls these on this type, not through the base: hiding them is enough.
  bool start_object(std::size_t n) { return deeper() && Builder::start_object(n); }
  bool start_array(std::size_t n) { return deeper() && Builder::start_array(n); }
  bool end_object() { return --depth_, Builder::end_object(); }
  bool end_array() { return --depth_, Builder::end_array(); }

 private:
  bool deeper() { return ++depth_ <= max_depth_; }
  int max_depth_;
  int depth_ = 0;
};

}  // namespace

nlohmann::json parse_json(std::string_view text, const std::string& what, Code code, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    refuse(code, what, "is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                           std::to_string(limits.max_bytes));
  try {
    nlohmann::json value;
    BoundedDomBuilder builder(value, limits.max_depth);
    // The parser itself: through json::sax_parse (which builds the binary formats'
    // readers too) parse_json was slower than the scan and parse it replaces, over a
    // 400 KB page; called directly, 10-18% faster.
    auto input = nlohmann::detail::input_adapter(text.data(), text.data() + text.size());
    // A syntax error throws (below); false is the builder's stop.
    if (!nlohmann::detail::parser<nlohmann::json, decltype(input)>(std::move(input)).sax_parse(&builder, true))
      refuse(code, what, too_deep(limits.max_depth));
    return value;
  } catch (const nlohmann::json::parse_error& e) {
    refuse(code, what, "is not valid JSON: " + reason(e.what()) + " at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    // Found by fuzz_record: a number such as 1e999 overflows a double (error 406).
    refuse(code, what, "holds a number too large for a double");
  }
}

void check_json_depth(const nlohmann::json& value, const std::string& what, Code code, int max_depth) {
  if (json_value_depth(value, max_depth) > max_depth) refuse(code, what, too_deep(max_depth));
}

}  // namespace hse
