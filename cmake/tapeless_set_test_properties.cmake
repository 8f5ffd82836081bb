# Defines tapeless_set_test_properties(<target>): warnings and flags for tapeless's OWN targets.
# SPDX-License-Identifier: BSL-1.0
#
# Applied to tests, examples and benchmarks only, never to the INTERFACE targets, so consumers never
# inherit our warning set (Hana's boost_hana_set_test_properties).
#   TAPELESS_WERROR  adds -Werror (CI turns it on)
#   TAPELESS_NATIVE  adds -march=native: the fused loops are only as fast as the vector ISA they may use
include_guard(GLOBAL)
include(CheckCXXCompilerFlag)

if(TAPELESS_NATIVE)
    check_cxx_compiler_flag(-march=native TAPELESS_HAS_MARCH_NATIVE)
endif()

function(tapeless_set_test_properties target)
    set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        # -fno-math-errno: tapeless never reads errno, and without it sqrt/exp calls keep loops
        # (Adam's update, softplus, ...) from vectorising.
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -fno-math-errno)
        if(TAPELESS_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
        if(TAPELESS_NATIVE AND TAPELESS_HAS_MARCH_NATIVE)
            target_compile_options(${target} PRIVATE -march=native)
        endif()
    elseif(MSVC)
        target_compile_options(${target} PRIVATE /W4 /permissive-)
        if(TAPELESS_WERROR)
            target_compile_options(${target} PRIVATE /WX)
        endif()
    endif()
endfunction()
