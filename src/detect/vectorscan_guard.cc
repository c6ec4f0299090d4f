// Works around a vectorscan 5.4.9 bug (Debian 12's version) that aborts the whole process: its
// reverse double-byte scan (rvermicelliDoubleExecReal, used when a database reports start of
// match) formats a debug string with snprintf into a 255-byte stack buffer but passes the scanned
// length as the size. Built with _FORTIFY_SOURCE, the library calls __snprintf_chk, which sees a
// size larger than the buffer and aborts ("buffer overflow detected") on any scan of more than
// 254 bytes that reaches that routine. A prompt of a few hundred bytes with a chat-template token
// after a line break, or a tenant's custom regex such as "(?:^|\n)[ \t]*ab", was enough to kill
// the server. Fixed upstream (VectorCamp/vectorscan#392); see docs/decisions/0009.
//
// This definition interposes glibc's: the executable's symbol wins over libc's for every shared
// library, so vectorscan's call lands here. It writes at most the real buffer size (`slen`,
// which the compiler knew), truncating where glibc would have aborted. Every other caller gets
// glibc's behaviour for every call glibc would not have aborted.
#include <cstdarg>
#include <cstddef>
#include <cstdio>

// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming): glibc's name
extern "C" int __snprintf_chk(char* s, std::size_t maxlen, int /*flag*/, std::size_t slen,
                              const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(s, maxlen < slen ? maxlen : slen, format, args);
  va_end(args);
  return n;
}
