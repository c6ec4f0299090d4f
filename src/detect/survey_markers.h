// The words the survey (survey.h) looks for: frequent English words as they look after ROT13 or
// reversal, and the words people use to ask for a decoding. Internal to the survey; a header so
// that its byte-by-byte reference in the tests reads the same list.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aisafe::detect::survey_markers {

// A lower-cased word of up to 8 letters packed into an integer, so the marker lists below are
// compared with one instruction per entry.
constexpr std::uint64_t pack(std::string_view w) {
  std::uint64_t k = 0;
  for (char c : w) {
    k = (k << 8) | static_cast<unsigned char>(c | 0x20);
  }
  return k;
}

enum class Marker : std::uint8_t { kNone, kRot13, kReversed, kRot13Hint, kReversedHint, kRot };
struct MarkerWord {
  std::uint64_t key;
  Marker marker;
};
// Chosen to be rare as plain English or code ("dna", "gb" and "bs" are left out).
constexpr MarkerWord kMarkers[] = {
    {pack("gur"), Marker::kRot13},
    {pack("naq"), Marker::kRot13},
    {pack("lbh"), Marker::kRot13},
    {pack("lbhe"), Marker::kRot13},
    {pack("nyy"), Marker::kRot13},
    {pack("vtaber"), Marker::kRot13},
    {pack("cerivbhf"), Marker::kRot13},
    {pack("flfgrz"), Marker::kRot13},
    {pack("cebzcg"), Marker::kRot13},
    {pack("ehyrf"), Marker::kRot13},
    {pack("eht"), Marker::kReversed},
    {pack("uoy"), Marker::kReversed},
    {pack("ruoy"), Marker::kReversed},
    {pack("lla"), Marker::kReversed},
    {pack("erongi"), Marker::kReversed},
    {pack("suoiverp"), Marker::kReversed},
    {pack("metsys"), Marker::kReversed},
    {pack("tpmorp"), Marker::kReversed},
    {pack("selur"), Marker::kReversed},
    {pack("caesar"), Marker::kRot13Hint},
    {pack("reverse"), Marker::kReversedHint},
    {pack("reversed"), Marker::kReversedHint},
    {pack("backward"), Marker::kReversedHint},
    {pack("esrever"), Marker::kReversedHint},
    {pack("rot"), Marker::kRot},
};

// Words of more than 8 letters ("instructions") are not packed: the shorter markers suffice,
// except that "backwards" is read as "backward".
constexpr std::size_t kMaxPackedWord = 8;

namespace detail {

// The markers in a small open-addressing table, so a word costs one multiply and a probe or
// two instead of a walk over the list: this runs for every candidate word of every text.
constexpr std::size_t kTableBits = 7;
constexpr std::size_t slotOf(std::uint64_t key) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - kTableBits));
}
constexpr std::array<MarkerWord, std::size_t{1} << kTableBits> makeTable() {
  std::array<MarkerWord, std::size_t{1} << kTableBits> t{};
  for (const MarkerWord& m : kMarkers) {
    std::size_t i = slotOf(m.key);
    while (t[i].key != 0) {
      i = (i + 1) & (t.size() - 1);
    }
    t[i] = m;
  }
  return t;
}
constexpr auto kTable = makeTable();

// Bit l of kEnds[f]: some marker starts with letter f and ends with letter l.
constexpr std::size_t kLetters = 26;
constexpr std::array<std::uint32_t, kLetters> makeEnds() {
  std::array<std::uint32_t, kLetters> t{};
  for (const MarkerWord& m : kMarkers) {
    const unsigned last = static_cast<unsigned>(m.key & 0xFF) - 'a';
    std::uint64_t first_byte = m.key;
    while (first_byte > 0xFF) {
      first_byte >>= 8;
    }
    t[static_cast<std::size_t>(first_byte) - 'a'] |= std::uint32_t{1} << last;
  }
  return t;
}
constexpr auto kEnds = makeEnds();

}  // namespace detail

// Most words cannot be a marker: their first and last letters already rule them out, without
// packing the word or probing the table. `first` and `last` are ASCII letters of either case.
inline bool mayBeMarker(unsigned char first, unsigned char last) {
  const unsigned f = (first | 0x20U) - 'a';
  const unsigned l = (last | 0x20U) - 'a';
  return ((detail::kEnds[f] >> l) & 1U) != 0;
}

inline Marker lookup(std::uint64_t key) {
  using detail::kTable;
  for (std::size_t i = detail::slotOf(key);; i = (i + 1) & (kTable.size() - 1)) {
    if (kTable[i].key == key) {
      return kTable[i].marker;
    }
    if (kTable[i].key == 0) {
      return Marker::kNone;
    }
  }
}

}  // namespace aisafe::detect::survey_markers
