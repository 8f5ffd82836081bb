// The tape, instantiated once for the whole folder (oracle.hpp declares it extern).
#include <tapeless/tape/all.hpp>

template class tapeless::tape::tape<float>;
template class tapeless::tape::tape<double>;
