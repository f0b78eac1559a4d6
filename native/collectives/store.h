// Rendezvous stores for the collectives addon: where ranks exchange their
// addresses before Gloo connects them. No N-API here (native/binding owns it).
//
// Gloo 0.5.0 (Debian's libgloo-dev) ships a file store and a Redis store but
// no TCP store, so `tcp://HOST:PORT` is ours: rank 0 serves a small key/value
// table on HOST:PORT and every rank (rank 0 included) is a client of it, the
// way PyTorch's TCPStore works.
#pragma once

#include <gloo/rendezvous/store.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace nodegrad {
namespace collectives {

// Wraps a store so that every wait without an explicit timeout uses ours
// (Gloo's connectFullMesh calls wait(keys), which would use Gloo's default).
class TimeoutStore : public gloo::rendezvous::Store {
 public:
  TimeoutStore(std::unique_ptr<gloo::rendezvous::Store> inner, std::chrono::milliseconds timeout)
      : inner_(std::move(inner)), timeout_(timeout) {}
  void set(const std::string& key, const std::vector<char>& data) override {
    inner_->set(key, data);
  }
  std::vector<char> get(const std::string& key) override {
    inner_->wait({key}, timeout_);
    return inner_->get(key);
  }
  void wait(const std::vector<std::string>& keys) override { inner_->wait(keys, timeout_); }
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& t) override {
    inner_->wait(keys, t);
  }

 private:
  std::unique_ptr<gloo::rendezvous::Store> inner_;
  std::chrono::milliseconds timeout_;
};

// The server side of tcp://: a thread that accepts clients until stopped.
class TcpStoreServer;

// The client side of tcp://. Thread-compatible (one caller at a time).
class TcpStore : public gloo::rendezvous::Store {
 public:
  // Connects to host:port, retrying until `timeout` (the server may start later).
  TcpStore(const std::string& host, int port, std::chrono::milliseconds timeout);
  ~TcpStore() override;
  void set(const std::string& key, const std::vector<char>& data) override;
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override { wait(keys, timeout_); }
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& t) override;

 private:
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
};

// Starts a server listening on host:port (port 0 picks one; see port()).
std::shared_ptr<TcpStoreServer> start_tcp_store_server(const std::string& host, int port);
int tcp_store_server_port(const TcpStoreServer& server);

// A parsed NODEGRAD_STORE value.
struct StoreSpec {
  enum Kind { file, tcp, redis } kind;
  std::string path;  // file
  std::string host;  // tcp, redis
  int port = 0;      // tcp, redis
};

// "file:DIR", "tcp://HOST:PORT", "redis://HOST:PORT"; throws std::invalid_argument.
StoreSpec parse_store_spec(const std::string& spec);

// The store for a spec, wrapped in a TimeoutStore. For tcp, rank 0 also
// starts the server (returned through `server`, kept alive by the group).
std::unique_ptr<gloo::rendezvous::Store> open_store(const StoreSpec& spec, int rank,
                                                    std::chrono::milliseconds timeout,
                                                    std::shared_ptr<TcpStoreServer>* server);

}  // namespace collectives
}  // namespace nodegrad
