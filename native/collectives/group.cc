#include "group.h"

#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/tcp/device.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace nodegrad {
namespace collectives {

namespace {

std::string this_host() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "?";
  return buf;
}

std::vector<char> bytes(const std::string& s) { return std::vector<char>(s.begin(), s.end()); }

void sum_f32(void* c, const void* a, const void* b, size_t n) {
  float* out = static_cast<float*>(c);
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  for (size_t i = 0; i < n; i++) out[i] = x[i] + y[i];
}

// Gloo's messages carry "[path/file.cc:123] " locations; the user needs the words.
std::string words(const std::string& what) {
  static const std::regex location(R"(\[[^\]]*\.(cc|h):[0-9]+\] ?)");
  return std::regex_replace(what, location, "");
}

}  // namespace

Group::Group(const GroupOptions& o) : rank_(o.rank), size_(o.world_size), timeout_(o.timeout) {
  const StoreSpec spec = parse_store_spec(o.store);
  try {
    store_ = open_store(spec, rank_, timeout_, &server_);
    gloo::transport::tcp::attr attr;
    if (!o.hostname.empty()) {
      attr.hostname = o.hostname;
    } else if (!o.iface.empty()) {
      attr.iface = o.iface;
    } else {
      attr.hostname = "127.0.0.1";
    }
    device_ = gloo::transport::tcp::CreateDevice(attr);
    auto ctx = std::make_shared<gloo::rendezvous::Context>(rank_, size_);
    ctx->setTimeout(timeout_);
    // Keys of this library's own live under a prefix of their own; Gloo's
    // connectFullMesh uses the bare store.
    ctx->connectFullMesh(*store_, device_);
    context_ = ctx;

    gloo::rendezvous::PrefixStore ours("nodegrad", *store_);
    std::ostringstream me;
    me << this_host() << '\n' << static_cast<long>(::getpid());
    ours.set("peer/" + std::to_string(rank_), bytes(me.str()));
    peers_.resize(static_cast<size_t>(size_));
    for (int r = 0; r < size_; r++) {
      const std::vector<char> v = ours.get("peer/" + std::to_string(r));
      const std::string s(v.begin(), v.end());
      const size_t nl = s.find('\n');
      peers_[static_cast<size_t>(r)] = {s.substr(0, nl), std::atol(s.c_str() + nl + 1)};
    }
  } catch (const std::exception& e) {
    context_.reset();
    device_.reset();
    store_.reset();
    server_.reset();
    const std::string msg = words(e.what());
    throw std::runtime_error("rendezvous of rank " + std::to_string(rank_) + " of " +
                             std::to_string(size_) + " through " + o.store + " failed (timeout " +
                             std::to_string(timeout_.count()) + " ms): " + msg);
  }
}

Group::~Group() { close(); }

void Group::close() {
  context_.reset();
  device_.reset();
  store_.reset();
  server_.reset();
}

// Gone, or a zombie (exited, not yet reaped by its parent).
static bool process_gone(long pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() &&
         (line[paren + 2] == 'Z' || line[paren + 2] == 'X');
}

std::string Group::lost_peers() const {
  // Peers on this host can be checked by pid; a peer elsewhere cannot. A
  // peer's sockets close while it exits, a moment before its pid is gone:
  // look a few times over 300 ms.
  const std::string host = this_host();
  std::string lost;
  for (int attempt = 0; attempt < 6 && lost.empty(); attempt++) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int r = 0; r < size_; r++) {
      const PeerInfo& p = peers_[static_cast<size_t>(r)];
      if (r == rank_ || p.host != host || p.pid <= 0 || !process_gone(p.pid)) continue;
      lost += std::string(lost.empty() ? "" : ", ") + "rank " + std::to_string(r) + " (pid " +
              std::to_string(p.pid) + ")";
    }
  }
  return lost;
}

void Group::fail(const char* op, const std::exception& e) {
  const std::string msg = words(e.what());
  const std::string lost = lost_peers();
  // A group whose peer is gone cannot be used again: close it so that later
  // calls fail at once instead of waiting for another timeout.
  close();
  throw std::runtime_error(std::string(op) + " on rank " + std::to_string(rank_) +
                           " failed: " + (lost.empty() ? "" : "lost " + lost + "; ") + msg);
}

void Group::allreduce(float* data, size_t n, bool mean) {
  if (!context_) throw std::runtime_error("allReduce: the group is closed");
  if (n == 0 || size_ == 1) {
    return;  // a sum over one rank is the value itself; mean divides by 1
  }
  try {
    gloo::AllreduceOptions opts(context_);
    opts.setOutput(data, n);
    opts.setReduceFunction(sum_f32);
    opts.setAlgorithm(gloo::AllreduceOptions::Algorithm::RING);
    opts.setTag(next_tag());
    opts.setTimeout(timeout_);
    gloo::allreduce(opts);
  } catch (const std::exception& e) {
    fail("allReduce", e);
  }
  if (mean) {
    const float w = static_cast<float>(size_);
    for (size_t i = 0; i < n; i++) data[i] = data[i] / w;
  }
}

void Group::broadcast(float* data, size_t n, int root) {
  if (!context_) throw std::runtime_error("broadcast: the group is closed");
  if (n == 0 || size_ == 1) return;
  try {
    gloo::BroadcastOptions opts(context_);
    opts.setOutput(data, n);
    opts.setRoot(root);
    opts.setTag(next_tag());
    opts.setTimeout(timeout_);
    gloo::broadcast(opts);
  } catch (const std::exception& e) {
    fail("broadcast", e);
  }
}

void Group::barrier() {
  if (!context_) throw std::runtime_error("barrier: the group is closed");
  if (size_ == 1) return;
  try {
    gloo::BarrierOptions opts(context_);
    opts.setTag(next_tag());
    opts.setTimeout(timeout_);
    gloo::barrier(opts);
  } catch (const std::exception& e) {
    fail("barrier", e);
  }
}

}  // namespace collectives
}  // namespace nodegrad
