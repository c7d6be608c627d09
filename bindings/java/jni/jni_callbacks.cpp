// The C callbacks that call into Java: they run on the engine's threads, which the
// JVM learns about on their first callback (jni_support.hpp: callback_env()).
#include <cstdlib>
#include <cstring>

#include "jni_engine.hpp"
#include "jni_support.hpp"

namespace hse::jni {

namespace {

// A callback's local references, freed when it returns: the engine's threads have
// no Java frame to free them, and they run for the life of the engine.
class LocalFrame {
 public:
  explicit LocalFrame(JNIEnv* env) : env_(env), ok_(env->PushLocalFrame(8) == 0) {}
  ~LocalFrame() {
    if (ok_) env_->PopLocalFrame(nullptr);
  }
  bool ok() const { return ok_; }

 private:
  JNIEnv* env_;
  bool ok_;
};

// Whatever Java threw despite the dispatchers' catch-all (an OutOfMemoryError):
// reported, and never left pending on a thread that returns into C.
void clear_pending(JNIEnv* env) {
  if (env->ExceptionCheck()) {
    env->ExceptionDescribe();
    env->ExceptionClear();
  }
}

void on_event(void* user, const char* event_json) {
  JNIEnv* env = callback_env();
  if (!env) return;
  LocalFrame frame(env);
  if (!frame.ok()) return clear_pending(env);
  jbyteArray event = bytes(env, event_json, std::strlen(event_json));
  if (event) env->CallVoidMethod(static_cast<jobject>(user), cache.event_deliver, event);
  clear_pending(env);
}

int on_conflict(void* user, const char* conflict_json, char** resolution_json) {
  JNIEnv* env = callback_env();
  if (!env) return HSE_RESOLVE_DEFER;
  LocalFrame frame(env);
  if (!frame.ok()) {
    clear_pending(env);
    return HSE_RESOLVE_DEFER;
  }
  jbyteArray conflict = bytes(env, conflict_json, std::strlen(conflict_json));
  if (!conflict) {
    clear_pending(env);
    return HSE_RESOLVE_DEFER;
  }
  auto answer = static_cast<jbyteArray>(
      env->CallObjectMethod(static_cast<jobject>(user), cache.resolver_decide, conflict));
  clear_pending(env);
  if (!answer) return HSE_RESOLVE_DEFER;
  // The library frees the answer with free(): it must come from malloc.
  Text t = text(env, answer);
  char* copy = static_cast<char*>(std::malloc(t.bytes.size() + 1));
  if (!copy) return HSE_RESOLVE_DEFER;
  std::memcpy(copy, t.bytes.c_str(), t.bytes.size() + 1);
  *resolution_json = copy;
  return HSE_RESOLVE_DECIDED;
}

}  // namespace

void set_event_dispatch(JNIEnv* env, JniEngine& e, jobject dispatch) {
  jobject global = dispatch ? env->NewGlobalRef(dispatch) : nullptr;
  if (dispatch && !global) return throw_invalid(env, "out of memory");
  std::lock_guard lock(e.event_mu);
  hse_code rc = hse_set_event_callback(e.engine, global ? on_event : nullptr, global);
  if (rc != HSE_OK) {
    if (global) env->DeleteGlobalRef(global);
    return throw_last_error(env, rc);
  }
  // hse_set_event_callback returned: the previous callback is not running and is not
  // called again, so its object can go.
  if (e.event_dispatch) env->DeleteGlobalRef(e.event_dispatch);
  e.event_dispatch = global;
}

void set_resolver_dispatch(JNIEnv* env, JniEngine& e, jobject dispatch) {
  jobject global = dispatch ? env->NewGlobalRef(dispatch) : nullptr;
  if (dispatch && !global) return throw_invalid(env, "out of memory");
  std::lock_guard lock(e.resolver_mu);
  hse_code rc = hse_set_conflict_resolver(e.engine, global ? on_conflict : nullptr, global);
  if (rc != HSE_OK) {
    if (global) env->DeleteGlobalRef(global);
    return throw_last_error(env, rc);
  }
  if (global) e.resolvers.push_back(global);
}

void release_dispatches(JNIEnv* env, JniEngine& e) {
  {
    std::lock_guard lock(e.event_mu);
    if (e.event_dispatch) env->DeleteGlobalRef(e.event_dispatch);
    e.event_dispatch = nullptr;
  }
  std::lock_guard lock(e.resolver_mu);
  for (jobject r : e.resolvers) env->DeleteGlobalRef(r);
  e.resolvers.clear();
}

}  // namespace hse::jni
