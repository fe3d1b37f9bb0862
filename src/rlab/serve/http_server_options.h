// What the HTTP servers of rewardlab (serve-rm's reward server, label's labelling page) share:
// where they listen, the optional bearer token, the request-body limit, JSON error replies,
// the one line printed when listening and a graceful stop on SIGTERM/SIGINT.
//
//   HttpServerOptions options;                  // host 127.0.0.1, port 0 = a free port
//   AddHttpServerFlags(*cmd, options);          // --host --port --token (RLAB_TOKEN)
//                                               // --max-body-bytes --http-threads
//   httplib::Server server;
//   ConfigureHttpServer(server, options, [](const std::string& path) { return path != "/"; });
//   server.Post("/x", ...);                     // handlers reply with ReplyJson / ReplyError
//   ServeUntilSignalled(server, options, "label");
//
// ServeUntilSignalled binds, prints `rlab <command>: listening on http://HOST:PORT/` on stdout
// (tests and scripts read the port from it) and serves until SIGTERM or SIGINT; then it stops
// accepting connections, lets every request already received finish and returns, so the
// command ends with status 0. Requests that need the token and lack `Authorization: Bearer
// TOKEN` get 401; bodies over the limit get 413; routes that do not exist 404; an exception in
// a handler 500: every error reply is {"error": "message"}.
//
// httplib.h stays out of this header (its macros belong to the .cc files that include it).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace httplib {
class Server;
struct Response;
}  // namespace httplib
namespace CLI {
class App;
}  // namespace CLI

namespace rlab::serve {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // another address exposes the server beyond this machine
  int port = 0;                    // 0: a free port, printed in the listening line
  std::string token;               // empty: no token is asked for
  int64_t max_body_bytes = 4 << 20;
  int http_threads = 64;  // connections served at once (one thread each)
};

// --host, --port, --token (or the environment's RLAB_TOKEN), --max-body-bytes, --http-threads.
void AddHttpServerFlags(CLI::App& command, HttpServerOptions& options);

// Body limit, worker threads, keep-alive, the token check for every path where
// `needs_token(path)` holds (when options.token is set), and JSON bodies for the errors
// httplib answers itself and for exceptions that escape a handler.
void ConfigureHttpServer(httplib::Server& server, const HttpServerOptions& options,
                         std::function<bool(const std::string& path)> needs_token);

// Binds options.host:options.port (an rlab::Error naming them when it cannot), prints the
// listening line and serves until SIGTERM/SIGINT or server.stop(); returns once every request
// in flight has been answered.
void ServeUntilSignalled(httplib::Server& server, const HttpServerOptions& options,
                         std::string_view command);

void ReplyJson(httplib::Response& response, int status, const nlohmann::json& body);
// {"error": message} with `status`.
void ReplyError(httplib::Response& response, int status, std::string_view message);

}  // namespace rlab::serve
