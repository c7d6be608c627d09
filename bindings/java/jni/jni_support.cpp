#include "jni_support.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace hse::jni {

Cache cache;

Text text(JNIEnv* env, jbyteArray array) {
  Text t;
  if (!array) return t;
  jsize n = env->GetArrayLength(array);
  t.bytes.resize(size_t(n));
  if (n > 0) env->GetByteArrayRegion(array, 0, n, reinterpret_cast<jbyte*>(t.bytes.data()));
  t.has = true;
  return t;
}

jbyteArray bytes(JNIEnv* env, const char* data, size_t size) {
  jbyteArray array = env->NewByteArray(jsize(size));
  if (array && size > 0) env->SetByteArrayRegion(array, 0, jsize(size), reinterpret_cast<const jbyte*>(data));
  return array;
}

jbyteArray bytes(JNIEnv* env, const std::string& s) { return bytes(env, s.data(), s.size()); }

namespace {

// {"field", "message"} pairs from hse_last_error_fields(), flattened for Java.
std::vector<std::string> field_pairs(const char* fields_json) {
  std::vector<std::string> pairs;
  auto fields = nlohmann::json::parse(fields_json ? fields_json : "[]", nullptr, /*allow_exceptions=*/false);
  if (!fields.is_array()) return pairs;
  for (const auto& f : fields) {
    if (!f.is_object()) continue;
    pairs.push_back(f.value("field", ""));
    pairs.push_back(f.value("message", ""));
  }
  return pairs;
}

}  // namespace

void throw_last_error(JNIEnv* env, hse_code code, const char* report) {
  // Read everything before any other hse_ call can replace it.
  std::string message = hse_last_error();
  if (message.empty()) message = hse_code_name(code);
  std::vector<std::string> pairs = field_pairs(hse_last_error_fields());
  int http_status = hse_last_error_http_status();
  int retry_after = hse_last_error_retry_after();

  jobjectArray java_pairs = env->NewObjectArray(jsize(pairs.size()), cache.bytes_class, nullptr);
  if (!java_pairs) return;  // OutOfMemoryError pending
  for (size_t i = 0; i < pairs.size(); ++i) {
    jbyteArray b = bytes(env, pairs[i]);
    if (!b) return;
    env->SetObjectArrayElement(java_pairs, jsize(i), b);
    env->DeleteLocalRef(b);
  }
  jbyteArray java_message = bytes(env, message);
  jbyteArray java_report = report ? bytes(env, report, std::char_traits<char>::length(report)) : nullptr;
  if (!java_message || (report && !java_report)) return;
  auto exception = static_cast<jthrowable>(env->CallStaticObjectMethod(
      cache.exception_class, cache.exception_from_native, jint(code), java_message, java_pairs, jint(http_status),
      jint(retry_after), java_report));
  if (exception && !env->ExceptionCheck()) env->Throw(exception);
}

void throw_invalid(JNIEnv* env, const char* message) {
  jbyteArray java_message = bytes(env, message, std::char_traits<char>::length(message));
  jobjectArray no_fields = env->NewObjectArray(0, cache.bytes_class, nullptr);
  if (!java_message || !no_fields) return;
  auto exception = static_cast<jthrowable>(env->CallStaticObjectMethod(
      cache.exception_class, cache.exception_from_native, jint(HSE_ERR_INVALID), java_message, no_fields, jint(0),
      jint(-1), nullptr));
  if (exception && !env->ExceptionCheck()) env->Throw(exception);
}

namespace {

// Detaches the thread it belongs to when that thread ends, if the shim attached it.
struct Detacher {
  bool attached = false;
  ~Detacher() {
    if (attached && cache.vm) cache.vm->DetachCurrentThread();
  }
};
thread_local Detacher detacher;

}  // namespace

JNIEnv* callback_env() {
  JNIEnv* env = nullptr;
  jint rc = cache.vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6);
  if (rc == JNI_OK) return env;
  if (rc != JNI_EDETACHED) return nullptr;
  JavaVMAttachArgs args{JNI_VERSION_1_6, const_cast<char*>("hsesync-native"), nullptr};
  // A daemon: a thread the engine still runs never keeps the JVM from exiting.
#if defined(__ANDROID__)
  rc = cache.vm->AttachCurrentThreadAsDaemon(&env, &args);
#else
  rc = cache.vm->AttachCurrentThreadAsDaemon(reinterpret_cast<void**>(&env), &args);
#endif
  if (rc != JNI_OK) return nullptr;
  detacher.attached = true;
  return env;
}

}  // namespace hse::jni

using hse::jni::cache;

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  cache.vm = vm;
  auto global_class = [env](const char* name) -> jclass {
    jclass local = env->FindClass(name);
    if (!local) return nullptr;
    auto global = static_cast<jclass>(env->NewGlobalRef(local));
    env->DeleteLocalRef(local);
    return global;
  };
  cache.exception_class = global_class("org/hsesync/HseException");
  cache.bytes_class = global_class("[B");
  jclass events = env->FindClass("org/hsesync/Callbacks$EventDispatch");
  jclass resolvers = env->FindClass("org/hsesync/Callbacks$ResolverDispatch");
  if (!cache.exception_class || !cache.bytes_class || !events || !resolvers) return JNI_ERR;
  cache.exception_from_native = env->GetStaticMethodID(cache.exception_class, "fromNative",
                                                       "(I[B[[BII[B)Lorg/hsesync/HseException;");
  cache.event_deliver = env->GetMethodID(events, "deliver", "([B)V");
  cache.resolver_decide = env->GetMethodID(resolvers, "decide", "([B)[B");
  env->DeleteLocalRef(events);
  env->DeleteLocalRef(resolvers);
  if (!cache.exception_from_native || !cache.event_deliver || !cache.resolver_decide) return JNI_ERR;
  return JNI_VERSION_1_6;
}
