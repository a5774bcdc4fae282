// The reference endpoint's service, Echo, written on the public C API:
//   echo   returns its input
//   big    input: decimal N; output: N bytes
//   block  input: decimal milliseconds; blocks its dispatch thread that long, returns "ok"
#pragma once

#include "tether.h"

// Registers Echo/echo, Echo/big and Echo/block on an endpoint that has not started.
tether_status echo_service_register(tether_endpoint *endpoint);
