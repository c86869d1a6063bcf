// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex. Self-contained; used to key
// results to the exact bytes of a spec file.
#pragma once

#include <string>
#include <string_view>

namespace spec {

// 64 lowercase hex digits, e.g. Sha256Hex("abc") == "ba7816bf...f20015ad".
std::string Sha256Hex(std::string_view bytes);

}  // namespace spec
