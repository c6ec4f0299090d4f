// A detector that breaks the layering rule, so the include check is seen to fail (tests/layering).
#include "http/outbound_client.h"
