#include "rlab/serve/http_server_options.h"

#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>

#include "rlab/core/check.h"

namespace rlab::serve {
namespace {

// An idle keep-alive connection holds its worker this long; a stop waits for it at most this.
constexpr time_t kKeepAliveSeconds = 1;
constexpr size_t kKeepAliveRequests = 100000;
constexpr auto kSignalPollInterval = std::chrono::milliseconds(20);

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void RecordServerStopSignal(int signal) { g_stop_signal = signal; }

// SIGTERM and SIGINT set g_stop_signal while the scope lives; the previous handlers return
// after it.
class StopSignalHandlers {
 public:
  StopSignalHandlers() {
    g_stop_signal = 0;
    struct sigaction action = {};
    action.sa_handler = RecordServerStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, &previous_term_);
    sigaction(SIGINT, &action, &previous_int_);
  }
  ~StopSignalHandlers() {
    sigaction(SIGTERM, &previous_term_, nullptr);
    sigaction(SIGINT, &previous_int_, nullptr);
  }
  StopSignalHandlers(const StopSignalHandlers&) = delete;
  StopSignalHandlers& operator=(const StopSignalHandlers&) = delete;

 private:
  struct sigaction previous_term_ = {}, previous_int_ = {};
};

bool HasBearerToken(const httplib::Request& request, const std::string& token) {
  return request.get_header_value("Authorization") == "Bearer " + token;
}

}  // namespace

void AddHttpServerFlags(CLI::App& command, HttpServerOptions& options) {
  command.add_option("--host", options.host, "address to listen on (127.0.0.1: this machine only)")
      ->capture_default_str();
  command.add_option("--port", options.port, "port to listen on (0: a free one, printed)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command
      .add_option("--token", options.token,
                  "bearer token every request must carry (Authorization: Bearer TOKEN)")
      ->envname("RLAB_TOKEN");
  command
      .add_option("--max-body-bytes", options.max_body_bytes,
                  "largest request body accepted (larger: 413)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->capture_default_str();
  command
      .add_option("--http-threads", options.http_threads,
                  "connections served at once (one thread each)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
}

void ReplyJson(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

void ReplyError(httplib::Response& response, int status, std::string_view message) {
  ReplyJson(response, status, nlohmann::json{{"error", message}});
}

void ConfigureHttpServer(httplib::Server& server, const HttpServerOptions& options,
                         std::function<bool(const std::string& path)> needs_token) {
  server.set_payload_max_length(static_cast<size_t>(options.max_body_bytes));
  server.set_keep_alive_timeout(kKeepAliveSeconds);
  // httplib's default of 5 requests per connection makes busy clients reconnect, and a burst of
  // reconnections overflows its listen backlog of 5: the dropped SYNs return a second later.
  server.set_keep_alive_max_count(kKeepAliveRequests);
  // Without it, a reply written in pieces waits for the client's delayed ACK (~40 ms).
  server.set_tcp_nodelay(true);
  const int threads = options.http_threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  if (!options.token.empty()) {
    server.set_pre_routing_handler(
        [token = options.token, needs_token = std::move(needs_token)](
            const httplib::Request& request, httplib::Response& response) {
          if (!needs_token(request.path) || HasBearerToken(request, token)) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          // The body stays unread: the connection must not carry another request.
          response.set_header("Connection", "close");
          response.set_header("WWW-Authenticate", "Bearer");
          ReplyError(response, 401, "this server needs the header 'Authorization: Bearer TOKEN'");
          return httplib::Server::HandlerResponse::Handled;
        });
  }
  const int64_t max_body_bytes = options.max_body_bytes;
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body_bytes](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        switch (response.status) {
          case 413:
            ReplyError(response, 413,
                       fmt::format("the request body is larger than the limit of {} bytes "
                                   "(--max-body-bytes)",
                                   max_body_bytes));
            break;
          case 404:
            ReplyError(response, 404,
                       fmt::format("no such endpoint: {} {}", request.method, request.path));
            break;
          default:
            ReplyError(response, response.status,
                       fmt::format("{} {}: failed with status {}", request.method, request.path,
                                   response.status));
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        std::string message = "internal error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          message = e.what();
        } catch (...) {
        }
        ReplyError(response, 500, message);
      });
}

void ServeUntilSignalled(httplib::Server& server, const HttpServerOptions& options,
                         std::string_view command) {
  // httplib listens with a backlog of 5: a burst of new connections overflows it, and the
  // connections it drops stall for a second or fail. listen() again on the same socket raises
  // the backlog (Linux).
  auto listening = std::make_shared<socket_t>(INVALID_SOCKET);
  server.set_socket_options([listening](socket_t socket) {
    httplib::default_socket_options(socket);
    if (*listening == INVALID_SOCKET) *listening = socket;
  });
  const int port = options.port == 0
                       ? server.bind_to_any_port(options.host)
                       : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  RLAB_CHECK(port > 0,
             "rlab {}: cannot listen on {}:{} (the address is not this machine's, or the port "
             "is taken or needs privileges); pick another with --host or --port",
             command, options.host, options.port);
  if (*listening != INVALID_SOCKET) ::listen(*listening, SOMAXCONN);
  StopSignalHandlers handlers;
  std::atomic<bool> served{false};
  std::thread watcher([&] {
    while (!served.load()) {
      // stop() does nothing before the accept loop runs, so a signal that comes earlier
      // waits for it.
      if (g_stop_signal != 0 && server.is_running()) {
        server.stop();  // stops accepting; listen_after_bind returns once in-flight work ends
        return;
      }
      std::this_thread::sleep_for(kSignalPollInterval);
    }
  });
  std::printf("rlab %.*s: listening on http://%s:%d/\n", static_cast<int>(command.size()),
              command.data(), options.host.c_str(), port);
  std::fflush(stdout);
  server.listen_after_bind();
  served = true;
  watcher.join();
}

}  // namespace rlab::serve
