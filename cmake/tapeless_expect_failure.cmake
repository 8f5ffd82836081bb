# Script (cmake -P): run a program that must FAIL (non-zero exit) with output matching a regex.
# SPDX-License-Identifier: BSL-1.0
#   -DPROGRAM=<program>  -DREGEX=<CMake regex>
# ctest's WILL_FAIL and PASS_REGULAR_EXPRESSION cannot be combined (a pass regex ignores the exit
# code), so this checks both.
if(NOT PROGRAM OR NOT DEFINED REGEX)
    message(FATAL_ERROR "tapeless_expect_failure.cmake: -DPROGRAM=... -DREGEX=... needed")
endif()
execute_process(COMMAND ${PROGRAM} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(result EQUAL 0)
    message(FATAL_ERROR "expect-failure: FAIL: ${PROGRAM} exited 0, expected a failure")
endif()
if(NOT out MATCHES "${REGEX}")
    message(FATAL_ERROR "expect-failure: FAIL: ${PROGRAM} failed (${result}) but its output does not "
                        "match '${REGEX}'")
endif()
message("expect-failure: PASS: ${PROGRAM} failed (${result}) with the expected message")
