// One call into a C handle from Python. The C API allows one thread per handle at a
// time, and a call that released the GIL leaves the door open to a second thread (or
// to close()): the guard turns both into a UsageError instead of a data race.
#pragma once

#include <tether.h>

#include <string>

#include "errors.h"

namespace tether_py {

class CallGuard {
 public:
  // busy is read and written only with the GIL held, so a plain bool is enough.
  CallGuard(const void *handle, bool &busy, const char *what) : busy_(busy) {
    if (handle == nullptr) {
      raise_status(TETHER_INVALID_STATE, (std::string(what) + " is closed").c_str());
    }
    if (busy_) {
      raise_status(TETHER_INVALID_STATE,
                   (std::string(what) + " is in use by another thread").c_str());
    }
    busy_ = true;
  }
  ~CallGuard() { busy_ = false; }
  CallGuard(const CallGuard &) = delete;
  CallGuard &operator=(const CallGuard &) = delete;

 private:
  bool &busy_;
};

}  // namespace tether_py
