// A process group over Gloo: rendezvous through a store, then allreduce,
// broadcast and barrier on float32 buffers. Blocking calls, meant to run on a
// worker thread (the binding's AsyncWorkers); one collective at a time per
// group (the TypeScript layer queues them). No N-API here.
#pragma once

#include <gloo/context.h>
#include <gloo/transport/device.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store.h"

namespace nodegrad {
namespace collectives {

struct GroupOptions {
  int rank = 0;
  int world_size = 1;
  std::string store;     // "file:DIR", "tcp://HOST:PORT", "redis://HOST:PORT"
  std::string hostname;  // address to bind (Gloo's tcp attr.hostname), or
  std::string iface;     // a network interface name (attr.iface); hostname wins
  std::chrono::milliseconds timeout{60000};
};

// What a rank tells the others about itself, to name a lost peer later.
struct PeerInfo {
  std::string host;
  long pid = 0;
};

class Group {
 public:
  // Rendezvous and full-mesh connect; throws std::runtime_error with a
  // message fit for the user (timeouts included).
  explicit Group(const GroupOptions& options);
  ~Group();

  int rank() const { return rank_; }
  int world_size() const { return size_; }

  // In place. mean divides the sum by the world size on every rank, so every
  // rank holds the same bits.
  void allreduce(float* data, size_t n, bool mean);
  void broadcast(float* data, size_t n, int root);
  void barrier();
  void close();

 private:
  // Rethrows a Gloo failure as std::runtime_error naming the op and, when it
  // can be told, the rank that was lost.
  [[noreturn]] void fail(const char* op, const std::exception& e);
  std::string lost_peers() const;
  uint32_t next_tag() { return tag_++; }

  int rank_;
  int size_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<TcpStoreServer> server_;
  std::unique_ptr<gloo::rendezvous::Store> store_;
  std::shared_ptr<gloo::transport::Device> device_;
  std::shared_ptr<gloo::Context> context_;
  std::vector<PeerInfo> peers_;
  uint32_t tag_ = 0;
};

}  // namespace collectives
}  // namespace nodegrad
