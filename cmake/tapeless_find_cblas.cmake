# Defines tapeless_find_cblas([QUIET]): finds a BLAS that has the CBLAS interface, OpenBLAS first.
# SPDX-License-Identifier: BSL-1.0
#
# Used by the top-level CMakeLists.txt and by the installed tapelessConfig.cmake, so that a project
# and its consumers pick the same library. Sets:
#   TAPELESS_CBLAS_FOUND        TRUE when BLAS::BLAS exists and cblas.h was found
#   TAPELESS_CBLAS_INCLUDE_DIR  the directory of cblas.h, or empty when the compiler already searches
#                               it (Debian: /usr/include/x86_64-linux-gnu via the openblas alternative)
# A BLA_VENDOR set by the caller is respected; otherwise OpenBLAS is tried, then any vendor.
include_guard(GLOBAL)

macro(tapeless_find_cblas)
    if(NOT TARGET BLAS::BLAS)
        if(DEFINED BLA_VENDOR)
            find_package(BLAS QUIET)
        else()
            set(BLA_VENDOR OpenBLAS)
            find_package(BLAS QUIET)
            unset(BLA_VENDOR)
            if(NOT BLAS_FOUND)
                find_package(BLAS QUIET)
            endif()
        endif()
    endif()
    # FindBLAS only locates libraries; the header comes from the same package. openblas/ is where
    # Fedora and some source builds put it.
    find_path(TAPELESS_CBLAS_HEADER_DIR cblas.h PATH_SUFFIXES openblas
              DOC "Directory containing cblas.h")
    set(TAPELESS_CBLAS_INCLUDE_DIR "")
    if(TARGET BLAS::BLAS AND TAPELESS_CBLAS_HEADER_DIR)
        set(TAPELESS_CBLAS_FOUND TRUE)
        if(NOT TAPELESS_CBLAS_HEADER_DIR IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
            set(TAPELESS_CBLAS_INCLUDE_DIR "${TAPELESS_CBLAS_HEADER_DIR}")
        endif()
    else()
        set(TAPELESS_CBLAS_FOUND FALSE)
    endif()
    if(NOT "${ARGN}" STREQUAL "QUIET")
        if(TAPELESS_CBLAS_FOUND)
            message(STATUS "tapeless: CBLAS: ${BLAS_LIBRARIES} (cblas.h in ${TAPELESS_CBLAS_HEADER_DIR})")
        endif()
    endif()
endmacro()
