// The C side of the Prober's state-change callback: user_data carries an integer id
// (a cgo.Handle), never a Go pointer.
#include <stdint.h>
#include <tether.h>

#include "_cgo_export.h"

static void tether_go_state_trampoline(const tether_prober_state_change *change, void *user_data) {
  tetherGoProberStateChange((tether_prober_state_change *)change, (uintptr_t)user_data);
}

void tether_go_set_state_callback(tether_prober_options *options, uintptr_t id) {
  options->on_state_change = tether_go_state_trampoline;
  options->user_data = (void *)id;
}
