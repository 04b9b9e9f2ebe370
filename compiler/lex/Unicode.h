//===- Unicode.h - Unicode classes used by the lexer --------------------------===//
//
// Letter (L*) and decimal-digit (Nd) classification of runes, as Go's
// unicode.IsLetter / unicode.IsDigit define them, for identifiers.
//===----------------------------------------------------------------------===//
#ifndef GLC_LEX_UNICODE_H
#define GLC_LEX_UNICODE_H

#include <cstdint>

namespace glc {

bool isUnicodeLetter(uint32_t r);
bool isUnicodeDigit(uint32_t r);

} // namespace glc

#endif // GLC_LEX_UNICODE_H
