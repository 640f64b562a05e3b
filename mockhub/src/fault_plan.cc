// A FaultPlan's request- and header-level effects, as pure functions of the
// plan and the request or answer (unit-tested without sockets). Byte-level
// effects are the body writer's (body_writer.cc).
#include <algorithm>

#include "mockhub/faults.h"

namespace mockhub {

std::optional<std::uint64_t> FaultPlan::CutAt(std::uint64_t body_length) const {
  if (cut_after) return cut_after;
  if (cut_after_fraction) {
    return static_cast<std::uint64_t>(*cut_after_fraction * static_cast<double>(body_length));
  }
  return std::nullopt;
}

void ApplyFaultPlanToRequest(const FaultPlan& plan, HttpRequest& req) {
  if (!plan.ignore_range) return;
  req.headers.erase(std::remove_if(req.headers.begin(), req.headers.end(),
                                   [](const auto& h) {
                                     return HeaderNameEquals(h.first, "Range") ||
                                            HeaderNameEquals(h.first, "If-Range");
                                   }),
                    req.headers.end());
}

std::optional<HttpResponse> FaultAnswer(const FaultPlan& plan, const HttpRequest& req) {
  if (plan.relative_redirect) {
    HttpResponse res;
    res.status = 307;
    res.Set("Location", kHopPrefix + req.target);
    res.Set("Content-Type", "text/plain; charset=utf-8");
    res.body = "Temporary Redirect. Redirecting to " + res.Get("Location");
    return res;
  }
  return plan.replace;
}

void ApplyFaultPlan(const FaultPlan& plan, HttpResponse& res) {
  for (const auto& edit : plan.header_edits) {
    if (edit.value)
      res.Set(edit.name, *edit.value);
    else
      res.Remove(edit.name);
  }
  res.flags.insert(res.flags.end(), plan.fired.begin(), plan.fired.end());
  if (plan.touches_body() && !res.content && !res.body.empty()) {
    res.content = Content::Inline(res.body);
    res.content_offset = 0;
    res.content_length = res.body.size();
  }
}

}  // namespace mockhub
