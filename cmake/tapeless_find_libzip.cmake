# Defines tapeless_find_libzip(): finds libzip (zip.h and the library) for <tapeless/checkpoint/npz.hpp>.
# SPDX-License-Identifier: BSL-1.0
#
# Used by the top-level CMakeLists.txt and by the installed tapelessConfig.cmake. Sets
#   TAPELESS_LIBZIP_FOUND  TRUE when the imported target tapeless::libzip exists
# The header and library are searched directly rather than with find_package(libzip CONFIG):
# Debian 12's libzip-dev ships a config that fails hard unless the zipcmp, zipmerge and ziptool
# programs are installed too.
include_guard(GLOBAL)

macro(tapeless_find_libzip)
    find_path(TAPELESS_LIBZIP_INCLUDE_DIR zip.h DOC "Directory containing libzip's zip.h")
    find_library(TAPELESS_LIBZIP_LIBRARY zip DOC "libzip")
    set(TAPELESS_LIBZIP_FOUND FALSE)
    if(TAPELESS_LIBZIP_INCLUDE_DIR AND TAPELESS_LIBZIP_LIBRARY)
        if(NOT TARGET tapeless::libzip)
            add_library(tapeless::libzip UNKNOWN IMPORTED)
            set_target_properties(tapeless::libzip PROPERTIES
                IMPORTED_LOCATION "${TAPELESS_LIBZIP_LIBRARY}"
                INTERFACE_INCLUDE_DIRECTORIES "${TAPELESS_LIBZIP_INCLUDE_DIR}")
        endif()
        set(TAPELESS_LIBZIP_FOUND TRUE)
    endif()
endmacro()
