#include "store.h"

#include <arpa/inet.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/rendezvous/redis_store.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace nodegrad {
namespace collectives {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// ---------------------------------------------------------------------------
// Wire format of tcp://, one request and one reply at a time per connection:
//   request  = op:u8 klen:u32 key [vlen:u32 value]   (value only for 'S')
//   reply 'S' = 1:u8
//   reply 'G' = found:u8 [vlen:u32 value]            (never blocks: the client polls)
// Integers are little-endian as on every platform this addon builds for.

namespace {

std::runtime_error sys_error(const std::string& what) {
  return std::runtime_error("tcp store: " + what + ": " + std::strerror(errno));
}

// Reads or writes exactly n bytes, waiting at most until `deadline`.
void io_all(int fd, void* buf, size_t n, bool writing, Clock::time_point deadline) {
  char* p = static_cast<char*>(buf);
  while (n > 0) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) throw std::runtime_error("tcp store: timed out talking to the store server");
    pollfd pfd{fd, static_cast<short>(writing ? POLLOUT : POLLIN), 0};
    const int r = ::poll(&pfd, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw sys_error("poll");
    if (r == 0) continue;
    const ssize_t k = writing ? ::send(fd, p, n, MSG_NOSIGNAL) : ::recv(fd, p, n, 0);
    if (k == 0) throw std::runtime_error("tcp store: the store server closed the connection");
    if (k < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw sys_error(writing ? "send" : "recv");
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
}

void put_u32(std::vector<char>& out, uint32_t v) {
  const char* b = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), b, b + 4);
}

addrinfo* resolve(const std::string& host, int port, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (passive) hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string p = std::to_string(port);
  const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), p.c_str(), &hints, &res);
  if (rc != 0)
    throw std::runtime_error("tcp store: cannot resolve " + host + ": " + gai_strerror(rc));
  return res;
}

}  // namespace

// ---------------------------------------------------------------------------
// Server

class TcpStoreServer {
 public:
  explicit TcpStoreServer(int listen_fd) : listen_fd_(listen_fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    port_ = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~TcpStoreServer() {
    stop_ = true;
    accept_thread_.join();
    for (auto& t : clients_) t.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd pfd{listen_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      clients_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // Reads with a short poll so that the thread notices stop_.
  bool read_all(int fd, void* buf, size_t n) {
    char* p = static_cast<char*>(buf);
    while (n > 0) {
      if (stop_) return false;
      pollfd pfd{fd, POLLIN, 0};
      const int r = ::poll(&pfd, 1, 100);
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
      const ssize_t k = ::recv(fd, p, n, 0);
      if (k <= 0) return false;
      p += k;
      n -= static_cast<size_t>(k);
    }
    return true;
  }

  void serve(int fd) {
    for (;;) {
      uint8_t op = 0;
      uint32_t klen = 0;
      if (!read_all(fd, &op, 1) || !read_all(fd, &klen, 4) || klen > (1u << 20)) break;
      std::string key(klen, '\0');
      if (!read_all(fd, key.data(), klen)) break;
      std::vector<char> reply;
      if (op == 'S') {
        uint32_t vlen = 0;
        if (!read_all(fd, &vlen, 4) || vlen > (64u << 20)) break;
        std::vector<char> value(vlen);
        if (!read_all(fd, value.data(), vlen)) break;
        {
          std::lock_guard<std::mutex> lock(mu_);
          table_[key] = std::move(value);
        }
        reply.push_back(1);
      } else if (op == 'G') {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = table_.find(key);
        reply.push_back(it != table_.end() ? 1 : 0);
        if (it != table_.end()) {
          put_u32(reply, static_cast<uint32_t>(it->second.size()));
          reply.insert(reply.end(), it->second.begin(), it->second.end());
        }
      } else {
        break;  // not a client of ours: drop it
      }
      try {
        io_all(fd, reply.data(), reply.size(), true, Clock::now() + milliseconds(10000));
      } catch (const std::exception&) {
        break;
      }
    }
    ::close(fd);
  }

  int listen_fd_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::vector<std::thread> clients_;  // touched only by the accept thread and the destructor
  std::mutex mu_;
  std::map<std::string, std::vector<char>> table_;
};

std::shared_ptr<TcpStoreServer> start_tcp_store_server(const std::string& host, int port) {
  addrinfo* res = resolve(host, port, true);
  int fd = -1;
  std::string err = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 128) == 0) break;
    err = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) {
    throw std::runtime_error("tcp store: cannot listen on " + host + ":" + std::to_string(port) +
                             ": " + err);
  }
  return std::make_shared<TcpStoreServer>(fd);
}

int tcp_store_server_port(const TcpStoreServer& server) { return server.port(); }

// ---------------------------------------------------------------------------
// Client

TcpStore::TcpStore(const std::string& host, int port, milliseconds timeout) : timeout_(timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string last = "no address";
  while (Clock::now() < deadline) {
    addrinfo* res = resolve(host, port, false);
    for (addrinfo* ai = res; ai != nullptr && fd_ < 0; ai = ai->ai_next) {
      const int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fd_ = fd;
      } else {
        last = std::strerror(errno);
        ::close(fd);
      }
    }
    ::freeaddrinfo(res);
    if (fd_ >= 0) return;
    std::this_thread::sleep_for(milliseconds(50));
  }
  throw std::runtime_error("tcp store: cannot connect to " + host + ":" + std::to_string(port) +
                           " within " + std::to_string(timeout.count()) + " ms (" + last + ")");
}

TcpStore::~TcpStore() {
  if (fd_ >= 0) ::close(fd_);
}

void TcpStore::set(const std::string& key, const std::vector<char>& data) {
  std::vector<char> req{'S'};
  put_u32(req, static_cast<uint32_t>(key.size()));
  req.insert(req.end(), key.begin(), key.end());
  put_u32(req, static_cast<uint32_t>(data.size()));
  req.insert(req.end(), data.begin(), data.end());
  const auto deadline = Clock::now() + timeout_;
  io_all(fd_, req.data(), req.size(), true, deadline);
  uint8_t ok = 0;
  io_all(fd_, &ok, 1, false, deadline);
}

std::vector<char> TcpStore::get(const std::string& key) {
  const auto deadline = Clock::now() + timeout_;
  for (;;) {
    std::vector<char> req{'G'};
    put_u32(req, static_cast<uint32_t>(key.size()));
    req.insert(req.end(), key.begin(), key.end());
    io_all(fd_, req.data(), req.size(), true, deadline);
    uint8_t found = 0;
    io_all(fd_, &found, 1, false, deadline);
    if (found) {
      uint32_t vlen = 0;
      io_all(fd_, &vlen, 4, false, deadline);
      std::vector<char> value(vlen);
      io_all(fd_, value.data(), vlen, false, deadline);
      return value;
    }
    if (Clock::now() >= deadline) {
      throw std::runtime_error("tcp store: timed out after " + std::to_string(timeout_.count()) +
                               " ms waiting for key '" + key + "'");
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
}

void TcpStore::wait(const std::vector<std::string>& keys, const milliseconds& t) {
  const milliseconds saved = timeout_;
  timeout_ = t;
  try {
    for (const auto& k : keys) get(k);
  } catch (...) {
    timeout_ = saved;
    throw;
  }
  timeout_ = saved;
}

// ---------------------------------------------------------------------------

static int parse_port(const std::string& s, const std::string& spec) {
  char* end = nullptr;
  const long p = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || p < 0 || p > 65535) {
    throw std::invalid_argument("store '" + spec + "': port must be an integer in [0, 65535]");
  }
  return static_cast<int>(p);
}

StoreSpec parse_store_spec(const std::string& spec) {
  StoreSpec out{};
  auto host_port = [&](const std::string& rest) {
    const size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      throw std::invalid_argument("store '" + spec + "': expected HOST:PORT");
    }
    std::string host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    out.host = host;
    out.port = parse_port(rest.substr(colon + 1), spec);
  };
  if (spec.rfind("file:", 0) == 0 && spec.size() > 5) {
    out.kind = StoreSpec::file;
    out.path = spec.substr(5);
  } else if (spec.rfind("tcp://", 0) == 0) {
    out.kind = StoreSpec::tcp;
    host_port(spec.substr(6));
  } else if (spec.rfind("redis://", 0) == 0) {
    out.kind = StoreSpec::redis;
    host_port(spec.substr(8));
  } else {
    throw std::invalid_argument("store '" + spec +
                                "' is not file:DIR, tcp://HOST:PORT or redis://HOST:PORT");
  }
  return out;
}

std::unique_ptr<gloo::rendezvous::Store> open_store(const StoreSpec& spec, int rank,
                                                    milliseconds timeout,
                                                    std::shared_ptr<TcpStoreServer>* server) {
  std::unique_ptr<gloo::rendezvous::Store> inner;
  switch (spec.kind) {
    case StoreSpec::file:
      inner = std::make_unique<gloo::rendezvous::FileStore>(spec.path);
      break;
    case StoreSpec::redis:
      inner = std::make_unique<gloo::rendezvous::RedisStore>(spec.host, spec.port);
      break;
    case StoreSpec::tcp:
      if (rank == 0) *server = start_tcp_store_server(spec.host, spec.port);
      inner = std::make_unique<TcpStore>(spec.host, spec.port, timeout);
      break;
  }
  return std::make_unique<TimeoutStore>(std::move(inner), timeout);
}

}  // namespace collectives
}  // namespace nodegrad
