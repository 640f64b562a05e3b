// The admin routes: health, the journal (GET is streamed by the glue), and
// the live faults and steps of issue 10 ("a running server you can steer").
// Faults are parsed by FaultSet::Parse, as scenario files are: the same
// strictness, with the JSON pointer of the first error in a 400.
#include "mockhub/server/admin.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "mockhub/world/world_json.h"

namespace mockhub {

using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/_mockhub/";
constexpr const char* kFaults = "/_mockhub/faults";

HttpResponse NoContent() {
  HttpResponse res;
  res.status = 204;
  return res;
}

HttpResponse MethodNotAllowed(const std::string& allow) {
  HttpResponse res = AdminError(405, "method not allowed here; allowed: " + allow);
  res.Set("Allow", allow);
  return res;
}

json Listed(const ListedFault& f) {
  return {{"id", f.id},
          {"fault", json::parse(f.source, nullptr, false)},
          {"attempts", f.attempts},
          {"fired", f.fired}};
}

// POST /_mockhub/faults: one fault object or an array of them.
HttpResponse AddFaults(const HttpRequest& req, FaultSet& faults) {
  auto doc = ParseJsonText(req.body, "<request body>");
  if (!doc) return AdminError(400, doc.error().reason, &doc.error().pointer);
  const bool one = doc->is_object();
  if (!one && !doc->is_array())
    return AdminError(400, "expected a fault object or an array of faults");
  auto parsed = FaultSet::Parse(one ? json::array({*doc}) : *doc, "<request body>", "");
  if (!parsed) {
    std::string pointer = parsed.error().pointer;
    if (one) pointer = pointer.substr(std::min<std::size_t>(2, pointer.size()));  // "/0..."
    return AdminError(400, parsed.error().reason, &pointer);
  }
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    if ((*parsed)[i].runs.empty()) continue;
    const std::string pointer = (one ? "" : "/" + std::to_string(i)) + "/runs";
    return AdminError(400,
                      "a running server has no client runs (\"runs\" scopes a fault of a scenario "
                      "to `mockhub run`'s client steps): add and delete the fault instead",
                      &pointer);
  }
  const std::size_t adding = parsed->size();
  auto ids = faults.Add(std::move(parsed.value()));
  if (!ids) {
    return AdminError(409, "a server holds at most " + std::to_string(faults.cap()) +
                               " faults: " + std::to_string(faults.size()) + " are live, " +
                               std::to_string(adding) + " more asked; delete some first");
  }
  return AdminJson(201, {{"ids", *ids}});
}

HttpResponse FaultsRoute(const HttpRequest& req, const std::string& path, FaultSet& faults) {
  if (path == kFaults) {
    if (req.method == "GET" || req.method == "HEAD") {
      json list = json::array();
      for (const ListedFault& f : faults.List()) list.push_back(Listed(f));
      return AdminJson(200, {{"faults", list}});
    }
    if (req.method == "POST") return AddFaults(req, faults);
    if (req.method == "DELETE") {
      faults.Clear();
      return NoContent();
    }
    return MethodNotAllowed("GET, HEAD, POST, DELETE");
  }
  const std::string id = path.substr(std::string(kFaults).size() + 1);
  if (req.method == "DELETE") {
    if (faults.Remove(id)) return NoContent();
    return AdminError(404, "no fault with id \"" + id + "\"");
  }
  if (req.method == "GET" || req.method == "HEAD") {
    for (const ListedFault& f : faults.List()) {
      if (f.id == id) return AdminJson(200, Listed(f));
    }
    return AdminError(404, "no fault with id \"" + id + "\"");
  }
  return MethodNotAllowed("GET, HEAD, DELETE");
}

}  // namespace

HttpResponse AdminJson(int status, const json& body) {
  HttpResponse res;
  res.status = status;
  res.Set("Content-Type", "application/json");
  res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

HttpResponse AdminError(int status, const std::string& reason, const std::string* pointer) {
  json body = {{"error", reason}};
  if (pointer) body["pointer"] = *pointer;
  return AdminJson(status, body);
}

bool IsAdminPath(const std::string& path) {
  return path.rfind(kPrefix, 0) == 0 && path.rfind(std::string(kHopPrefix) + "/", 0) != 0;
}

AdminAnswer AnswerAdmin(const HttpRequest& req, const AdminContext& ctx) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  const bool read = req.method == "GET" || req.method == "HEAD";
  AdminAnswer out;
  if (auto refused = GuardAdmin(req, ctx.site)) {
    out.response = std::move(*refused);
    return out;
  }
  if (path == "/_mockhub/health") {
    out.response = AdminJson(200, {{"status", "ok"}});
  } else if (path == "/_mockhub/requests" && req.method == "DELETE") {
    ctx.journal.Clear();
    out.response = NoContent();
  } else if (path == "/_mockhub/requests" && read) {
    // A client that just read its last response may ask before that
    // response's entry is recorded: give in-flight responses a moment, and
    // say whether some were still in flight.
    const bool idle = ctx.journal.WaitForIdle(std::chrono::seconds(2));
    out.response.Set("X-Mockhub-Journal", idle ? "complete" : "in-flight");
    out.response.Set("Content-Type", "application/json");
    out.stream_journal = true;
  } else if (path == kFaults || path.rfind(std::string(kFaults) + "/", 0) == 0) {
    out.response = FaultsRoute(req, path, ctx.faults);
  } else if (path == "/_mockhub/steps") {
    if (req.method != "POST")
      out.response = MethodNotAllowed("POST");
    else if (!ctx.steps)
      out.response = AdminError(501, "this server takes no steps (mockhub serve does)");
    else
      out.response = ctx.steps(req, ctx.state);
  } else {
    out.response = AdminError(404, "unknown admin route");
  }
  return out;
}

}  // namespace mockhub
