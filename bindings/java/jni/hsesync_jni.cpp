// The native methods of org.hsesync.HseEngine: each calls one C API function and
// turns its failure into HseException. Text crosses as UTF-8 byte arrays.
#include <cstring>
#include <memory>

#include "jni_engine.hpp"
#include "jni_support.hpp"

using hse::jni::JniEngine;
using hse::jni::Text;
using hse::jni::text;
using hse::jni::throw_last_error;

namespace {

// The engine behind a Java handle (HseEngine never passes 0: it refuses calls once closed).
JniEngine& of(jlong handle) { return *reinterpret_cast<JniEngine*>(handle); }

// A string the library handed out, owned until the end of scope.
struct Owned {
  char* p = nullptr;
  ~Owned() { hse_free(p); }
};

// The byte[] for a call's JSON result, or a pending HseException. Called after the
// call (not with it as an argument: `out` is read only once the call has set it).
jbyteArray result(JNIEnv* env, hse_code rc, const char* out) {
  if (rc != HSE_OK) {
    throw_last_error(env, rc);
    return nullptr;
  }
  return out ? hse::jni::bytes(env, out, std::strlen(out)) : nullptr;
}

}  // namespace

extern "C" {

JNIEXPORT jstring JNICALL Java_org_hsesync_HseEngine_nVersion(JNIEnv* env, jclass) {
  return env->NewStringUTF(hse_version());  // ASCII digits and dots
}

JNIEXPORT jboolean JNICALL Java_org_hsesync_HseEngine_nCodeIsTransient(JNIEnv*, jclass, jint code) {
  return hse_code_is_transient(static_cast<hse_code>(code)) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jstring JNICALL Java_org_hsesync_HseEngine_nCodeName(JNIEnv* env, jclass, jint code) {
  return env->NewStringUTF(hse_code_name(static_cast<hse_code>(code)));  // ASCII
}

JNIEXPORT jlong JNICALL Java_org_hsesync_HseEngine_nOpen(JNIEnv* env, jclass, jbyteArray path, jbyteArray config) {
  Text p = text(env, path), c = text(env, config);
  auto e = std::make_unique<JniEngine>();
  hse_code rc = hse_open(p.c_str(), c.c_str(), &e->engine);
  if (rc != HSE_OK) {
    throw_last_error(env, rc);
    return 0;
  }
  return reinterpret_cast<jlong>(e.release());
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nClose(JNIEnv* env, jclass, jlong h) {
  std::unique_ptr<JniEngine> e(&of(h));
  // Stops the scheduler and the event thread (which detach from the JVM as they end);
  // after it no callback runs, so their Java objects can go.
  hse_close(e->engine);
  hse::jni::release_dispatches(env, *e);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nCreate(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                                 jbyteArray json) {
  Text en = text(env, entity), js = text(env, json);
  Owned out;
  hse_code rc = hse_create(of(h).engine, en.c_str(), js.c_str(), &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nCreateMany(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                                     jbyteArray json_array) {
  Text en = text(env, entity), js = text(env, json_array);
  Owned out;
  hse_code rc = hse_create_many(of(h).engine, en.c_str(), js.c_str(), &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nUpdate(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                                 jbyteArray id, jbyteArray patch) {
  Text en = text(env, entity), i = text(env, id), pa = text(env, patch);
  Owned out;
  hse_code rc = hse_update(of(h).engine, en.c_str(), i.c_str(), pa.c_str(), &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nDelete(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                          jbyteArray id, jboolean cascade) {
  Text en = text(env, entity), i = text(env, id);
  hse_code rc = hse_delete(of(h).engine, en.c_str(), i.c_str(), cascade ? 1 : 0);
  if (rc != HSE_OK) throw_last_error(env, rc);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nGet(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                              jbyteArray id) {
  Text en = text(env, entity), i = text(env, id);
  Owned out;
  hse_code rc = hse_get(of(h).engine, en.c_str(), i.c_str(), &out.p);
  if (rc == HSE_ERR_NOT_FOUND) return nullptr;  // Java's get answers null for "no such row"
  return result(env, rc, out.p);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nGetAsOf(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                                  jbyteArray id, jlong at_ms) {
  Text en = text(env, entity), i = text(env, id);
  Owned out;
  hse_code rc = hse_get_as_of(of(h).engine, en.c_str(), i.c_str(), at_ms, &out.p);
  if (rc == HSE_ERR_NOT_FOUND) return nullptr;
  return result(env, rc, out.p);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nQuery(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                                jbyteArray query) {
  Text en = text(env, entity), q = text(env, query);
  Owned out;
  hse_code rc = hse_query(of(h).engine, en.c_str(), q.c_str(), &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nHistory(JNIEnv* env, jclass, jlong h, jbyteArray entity,
                                                                  jbyteArray id) {
  Text en = text(env, entity), i = text(env, id);
  Owned out;
  hse_code rc = hse_history(of(h).engine, en.c_str(), i.c_str(), &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nJournal(JNIEnv* env, jclass, jlong h, jbyteArray filter) {
  Text f = text(env, filter);
  Owned out;
  hse_code rc = hse_journal(of(h).engine, f.c_str(), &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nRetry(JNIEnv* env, jclass, jlong h, jlong seq) {
  hse_code rc = hse_retry(of(h).engine, seq);
  if (rc != HSE_OK) throw_last_error(env, rc);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nDrop(JNIEnv* env, jclass, jlong h, jlong seq) {
  hse_code rc = hse_drop(of(h).engine, seq);
  if (rc != HSE_OK) throw_last_error(env, rc);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nStatus(JNIEnv* env, jclass, jlong h) {
  Owned out;
  hse_code rc = hse_status(of(h).engine, &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nSync(JNIEnv* env, jclass, jlong h) {
  Owned out;
  hse_code rc = hse_sync(of(h).engine, &out.p);
  if (rc != HSE_OK) {
    throw_last_error(env, rc, out.p);  // the report tells what was done before the failure
    return nullptr;
  }
  return result(env, rc, out.p);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nStart(JNIEnv* env, jclass, jlong h) {
  hse_code rc = hse_start(of(h).engine);
  if (rc != HSE_OK) throw_last_error(env, rc);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nStop(JNIEnv* env, jclass, jlong h) {
  hse_code rc = hse_stop(of(h).engine);
  if (rc != HSE_OK) throw_last_error(env, rc);
}

JNIEXPORT jboolean JNICALL Java_org_hsesync_HseEngine_nWaitSynced(JNIEnv* env, jclass, jlong h, jlong timeout_ms) {
  hse_code rc = hse_wait_synced(of(h).engine, timeout_ms);
  if (rc == HSE_OK) return JNI_TRUE;
  if (rc != HSE_ERR_TIMEOUT) throw_last_error(env, rc);
  return JNI_FALSE;
}

JNIEXPORT jbyteArray JNICALL Java_org_hsesync_HseEngine_nConflicts(JNIEnv* env, jclass, jlong h) {
  Owned out;
  hse_code rc = hse_conflicts(of(h).engine, &out.p);
  return result(env, rc, out.p);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nResolve(JNIEnv* env, jclass, jlong h, jbyteArray conflict_id,
                                                           jbyteArray resolution) {
  Text c = text(env, conflict_id), r = text(env, resolution);
  hse_code rc = hse_resolve(of(h).engine, c.c_str(), r.c_str());
  if (rc != HSE_OK) throw_last_error(env, rc);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nSetEventListener(JNIEnv* env, jclass, jlong h, jobject dispatch) {
  hse::jni::set_event_dispatch(env, of(h), dispatch);
}

JNIEXPORT void JNICALL Java_org_hsesync_HseEngine_nSetConflictResolver(JNIEnv* env, jclass, jlong h,
                                                                       jobject dispatch) {
  hse::jni::set_resolver_dispatch(env, of(h), dispatch);
}

}  // extern "C"
