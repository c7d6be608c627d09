# The Java binding's JUnit 5 suite (tests/bindings/java), run by JUnit's console
# launcher against the real libhsesync and hse-emulator processes. Not under
# sanitizers: the JVM is not instrumented, so it cannot load a sanitized shim.
if(TARGET hsesync_java AND HSE_SANITIZE STREQUAL "")
  include(UseJava)  # its variables are per directory
  set(HSE_JUNIT_DIR /usr/share/java)
  foreach(jar junit-platform-console-standalone junit-jupiter-api apiguardian-api opentest4j)
    find_file(HSE_JAR_${jar} ${jar}.jar PATHS ${HSE_JUNIT_DIR} NO_DEFAULT_PATH)
    if(NOT HSE_JAR_${jar})
      message(FATAL_ERROR "The Java tests need JUnit 5 (Debian: junit5); or configure with -DHSE_BUILD_JAVA=OFF")
    endif()
  endforeach()
  set(CMAKE_JAVA_COMPILE_FLAGS -Xlint:all -Werror)
  file(GLOB HSE_JAVA_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/bindings/java/org/hsesync/*.java)
  add_jar(hsesync_java_tests
    SOURCES ${HSE_JAVA_TEST_SOURCES}
    INCLUDE_JARS hsesync_java ${HSE_JAR_junit-jupiter-api} ${HSE_JAR_apiguardian-api} ${HSE_JAR_opentest4j}
    OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  add_dependencies(hsesync_java_tests hsesync_jni hse-emulator)
  get_target_property(HSE_JAVA_JAR hsesync_java JAR_FILE)
  get_target_property(HSE_JAVA_TESTS_JAR hsesync_java_tests JAR_FILE)
  add_test(NAME hsesync_java
    COMMAND ${Java_JAVA_EXECUTABLE} -Dhsesync.jni=$<TARGET_FILE:hsesync_jni> -Xcheck:jni
            -jar ${HSE_JAR_junit-platform-console-standalone} --disable-banner --disable-ansi-colors
            --details=tree --fail-if-no-tests --class-path ${HSE_JAVA_TESTS_JAR}:${HSE_JAVA_JAR} --scan-class-path)
  set_tests_properties(hsesync_java PROPERTIES LABELS "bindings;integration" TIMEOUT 300
    ENVIRONMENT "HSE_BIN_DIR=${PROJECT_BINARY_DIR}/bin")

  # The README's example program, run as an app would against what `cmake --install`
  # puts in a prefix.
  get_target_property(HSE_JAVA_EXAMPLE_JAR hsesync_java_example JAR_FILE)
  add_test(NAME hsesync_java_installed
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bindings/java_install_test.sh ${PROJECT_BINARY_DIR}
            ${Java_JAVA_EXECUTABLE} ${HSE_JAVA_EXAMPLE_JAR})
  set_tests_properties(hsesync_java_installed PROPERTIES LABELS "bindings;integration" TIMEOUT 120)
endif()
