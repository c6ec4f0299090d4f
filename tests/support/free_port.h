// Picks a TCP port on 127.0.0.1 that is free right now, for servers started
// by tests (PostgreSQL, fake upstreams) that need a port chosen up front.
#pragma once

namespace aisafe::testsupport {

// Returns a currently unused loopback port, or -1 if none could be obtained.
// The port is released before returning, so another process may still grab it
// first; callers that can retry on "address in use" should do so.
int freePort();

}  // namespace aisafe::testsupport
