# The C API and its bindings: plain-C tests of libhsesync (offline and misuse,
# against a real hse-emulator, two threads with the scheduler, what the remote
# answered), the C example, a consumer project built against the installed
# package, and the Python suite.
set(HSE_BINDINGS_ENV "HSE_BIN_DIR=${PROJECT_BINARY_DIR}/bin")

function(hse_c_api_test name)
  add_executable(${name} bindings/${name}.c bindings/c_test_support.c)
  target_link_libraries(${name} PRIVATE hsesync::hsesync Threads::Threads)
  set_target_properties(${name} PROPERTIES UNITY_BUILD OFF)  # each .c sets its own feature macros
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "bindings;${ARGV1}" TIMEOUT 120 ENVIRONMENT "${HSE_BINDINGS_ENV}")
endfunction()

hse_c_api_test(c_api_test unit)
hse_c_api_test(c_api_sync_test integration)
hse_c_api_test(c_api_threads_test integration)
hse_c_api_test(c_api_remote_error_test integration)
add_dependencies(c_api_sync_test hse-emulator)
add_dependencies(c_api_threads_test hse-emulator)
add_dependencies(c_api_remote_error_test hse-emulator)

add_test(NAME hsesync_example COMMAND hsesync_example ${CMAKE_CURRENT_BINARY_DIR}/hsesync-example.db)
set_tests_properties(hsesync_example PROPERTIES LABELS "bindings;unit" TIMEOUT 60)

# Code built outside this project links a sanitized libhsesync only when built with
# the same sanitizer.
set(HSE_CONSUMER_FLAGS "")
if(HSE_SANITIZE STREQUAL "address")
  set(HSE_CONSUMER_FLAGS "-fsanitize=address,undefined")
elseif(HSE_SANITIZE STREQUAL "thread")
  set(HSE_CONSUMER_FLAGS "-fsanitize=thread")
endif()
add_test(NAME hsesync_consumer_build
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bindings/consumer_build_test.sh ${PROJECT_BINARY_DIR}
          ${CMAKE_CURRENT_SOURCE_DIR}/bindings/consumer ${CMAKE_C_COMPILER} "${HSE_CONSUMER_FLAGS}")
set_tests_properties(hsesync_consumer_build PROPERTIES LABELS "bindings;integration" TIMEOUT 120)

# Debian's interpreter, where setup.sh installs python3-pytest and python3-venv (a
# pyenv python3 on PATH may lack them). The suite runs through the package installed
# into a fresh venv (python_venv_test.sh). Not under sanitizers: python3 itself is not
# instrumented.
find_program(HSE_SYSTEM_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT HSE_SYSTEM_PYTHON3)
  find_program(HSE_SYSTEM_PYTHON3 python3)
endif()
if(HSE_SYSTEM_PYTHON3 AND HSE_SANITIZE STREQUAL "")
  add_test(NAME hsesync_python
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bindings/python_venv_test.sh ${HSE_SYSTEM_PYTHON3} ${PROJECT_SOURCE_DIR}
            ${PROJECT_BINARY_DIR})
  set_tests_properties(hsesync_python PROPERTIES LABELS "bindings;integration" TIMEOUT 180
    ENVIRONMENT "${HSE_BINDINGS_ENV};HSESYNC_LIB=$<TARGET_FILE:hsesync>")
endif()
