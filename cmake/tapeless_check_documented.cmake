# Script (cmake -P) behind tapeless.fail.documented: every compile-fail case in tests/fail/ is
# listed, by name, on the page of errors (docs/errors.md), so the page cannot fall behind the tests.
# SPDX-License-Identifier: BSL-1.0
#   -DDOC=<docs/errors.md> -DCASES=<dir of cases>
file(READ "${DOC}" doc)
file(GLOB cases "${CASES}/*.cpp")
set(missing "")
foreach(source IN LISTS cases)
    get_filename_component(case "${source}" NAME_WE)
    string(FIND "${doc}" "`${case}`" at)
    if(at EQUAL -1)
        list(APPEND missing "${case}")
    endif()
endforeach()
if(missing)
    message(FATAL_ERROR "tapeless.fail.documented: not on ${DOC}: ${missing}")
endif()
message("tapeless.fail.documented: every case is listed")
