# Doxygen input filter for tapeless headers. SPDX-License-Identifier: BSL-1.0
#
# Headers open with `//! @file <sentence>`. Doxygen reads a word after \file as the file's name and
# mis-parses the rest of that line (names in backticks there become unresolvable links), so the
# sentence is moved to a line of its own. The SPDX line, which Doxygen ignores, is dropped to make
# room: every line from there on keeps its number, and warnings point at the real source line.
NR == 1 && /^\/\/! @file [^ ]/ {
    print "//! @file"
    sub(/^\/\/! @file /, "//! ")
    print
    moved = 1
    next
}
moved && /^\/\/ SPDX-License-Identifier:/ { moved = 0; next }
{ print }
