# Script (cmake -P) behind the tapeless.fail.<case>_{ok,ko} tests; see tests/fail/CMakeLists.txt.
# SPDX-License-Identifier: BSL-1.0
#   -DBUILD_DIR=<build tree> -DTARGET=<target> -DMODE=ok|ko -DREGEX_FILE=<file holding the regex>
# ok: the build must succeed. ko: the build must fail, and the first line of the output that holds a
# compiler "error:" must match the regex (so the library reports THIS mistake first, not a cascade).
foreach(var BUILD_DIR TARGET MODE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "tapeless_check_fail.cmake: -D${var}=... missing")
    endif()
endforeach()

execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${TARGET}"
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
# Colour codes (CMAKE_COLOR_DIAGNOSTICS, -fdiagnostics-color) would split the words we look for.
string(ASCII 27 esc)
string(REGEX REPLACE "${esc}\\[[0-9;]*[mK]" "" output "${output}")

if(MODE STREQUAL "ok")
    if(NOT result EQUAL 0)
        message("${output}")
        message(FATAL_ERROR "tapeless.fail: FAIL: ${TARGET} must compile but did not (output above)")
    endif()
    message("tapeless.fail: PASS: ${TARGET} compiles")
    return()
endif()

file(READ "${REGEX_FILE}" regex)
string(STRIP "${regex}" regex)
if(result EQUAL 0)
    message(FATAL_ERROR "tapeless.fail: FAIL: ${TARGET} compiled, but must not (TAPELESS_SHOULD_FAIL)")
endif()
# GCC and Clang: "file:line:col: error: ..." or "fatal error: ...". Matching "error:" (with the colon)
# skips paths such as tapeless/error.hpp and flags such as -Werror=...
string(REPLACE "\n" ";" lines "${output}")
set(first_error "")
foreach(line IN LISTS lines)
    if(line MATCHES "(^|[ :])error:")
        set(first_error "${line}")
        break()
    endif()
endforeach()
if(first_error STREQUAL "")
    message("${output}")
    message(FATAL_ERROR "tapeless.fail: FAIL: ${TARGET} failed to build, but no compiler `error:` line "
                        "was found (output above)")
endif()
if(NOT first_error MATCHES "${regex}")
    message("${output}")
    message(FATAL_ERROR "tapeless.fail: FAIL: ${TARGET}: the first error does not match the expected "
                        "regex\n  expected: ${regex}\n  first error: ${first_error}")
endif()
message("tapeless.fail: PASS: ${TARGET} fails as expected\n  first error: ${first_error}")
