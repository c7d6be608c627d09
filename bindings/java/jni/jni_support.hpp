// What every part of the JNI shim shares: the JVM, the Java classes and methods it
// calls (looked up once, in JNI_OnLoad, where the app's class loader is at hand),
// UTF-8 text in byte arrays, and HseException from the C API's last error.
#pragma once

#include <jni.h>

#include <string>

#include "hsesync.h"

namespace hse::jni {

struct Cache {
  JavaVM* vm = nullptr;
  jclass exception_class = nullptr;  // org.hsesync.HseException (global ref)
  jmethodID exception_from_native = nullptr;
  jclass bytes_class = nullptr;  // byte[] (global ref)
  jmethodID event_deliver = nullptr;  // Callbacks.EventDispatch.deliver(byte[])
  jmethodID resolver_decide = nullptr;  // Callbacks.ResolverDispatch.decide(byte[]) -> byte[]
};
extern Cache cache;

// The bytes of a Java byte[] (UTF-8 text, NUL-free: HseEngine refuses NUL), or
// nothing for null. `has` tells the two apart.
struct Text {
  std::string bytes;
  bool has = false;
  const char* c_str() const { return has ? bytes.c_str() : nullptr; }
};
Text text(JNIEnv* env, jbyteArray array);

// A new byte[] holding `size` bytes of `data`; null when out of memory (with an
// OutOfMemoryError pending).
jbyteArray bytes(JNIEnv* env, const char* data, size_t size);
jbyteArray bytes(JNIEnv* env, const std::string& s);

// Throws HseException for `code` from this thread's last error (message, fields,
// HTTP status, Retry-After) and, for a failed sync, its `report`.
void throw_last_error(JNIEnv* env, hse_code code, const char* report = nullptr);

// A Java exception of the shim's own: INVALID with `message`.
void throw_invalid(JNIEnv* env, const char* message);

// The JNIEnv of the calling thread, for callbacks: a thread the JVM does not know
// (the engine's event and scheduler threads) is attached as a daemon on its first
// callback and detached when it ends (the engine ends those threads on stop and
// close). Null when attaching failed.
JNIEnv* callback_env();

}  // namespace hse::jni
