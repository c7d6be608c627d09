// What a Java HseEngine's handle (a jlong) points to: the C engine, and the Java
// objects its callbacks call, held by global references until they can no longer run.
#pragma once

#include <jni.h>

#include <mutex>
#include <vector>

#include "hsesync.h"

namespace hse::jni {

struct JniEngine {
  hse_engine* engine = nullptr;
  // Two locks, so that a listener may register a resolver while hse_set_event_callback
  // waits for that listener to return.
  std::mutex event_mu;               // guards event_dispatch and its registration
  jobject event_dispatch = nullptr;  // the registered Callbacks.EventDispatch
  std::mutex resolver_mu;            // guards resolvers
  // Every ResolverDispatch ever registered: a running round may still call a
  // replaced one (hsesync.h), so they are all released only on close.
  std::vector<jobject> resolvers;
};

// Registers `dispatch` (null: none) as the engine's event callback / resolver.
// On failure a Java exception is pending.
void set_event_dispatch(JNIEnv* env, JniEngine& e, jobject dispatch);
void set_resolver_dispatch(JNIEnv* env, JniEngine& e, jobject dispatch);
// After hse_close: no callback runs any more, so the Java objects can go.
void release_dispatches(JNIEnv* env, JniEngine& e);

}  // namespace hse::jni
