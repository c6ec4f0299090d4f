// A vector whose resize() leaves new elements of trivial types uninitialized. Hot loops that
// know an upper bound on what they will write size such a buffer once, fill it through a pointer
// and shrink it to what they wrote: no capacity check per element, and no zero-filling of bytes
// that are about to be overwritten. Only for buffers that are written before they are read.
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace aisafe {

template <class T>
class DefaultInitAllocator : public std::allocator<T> {
 public:
  template <class U>
  struct rebind {  // NOLINT(readability-identifier-naming): the name allocators must have
    using other = DefaultInitAllocator<U>;
  };

  DefaultInitAllocator() noexcept = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>& /*other*/) noexcept {}  // NOLINT

  // Value-less construction default-initializes: a no-op for integers.
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <class T>
using ScratchVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace aisafe
