// The stage functions of a request's fault plan (fault_plan.cc), in the
// order a request meets them; each stage is applied here and only here, the
// rows of the verb table doing the work.
#pragma once

#include <optional>
#include <vector>

#include "mockhub/faults/fault_types.h"
#include "mockhub/http/http_types.h"
#include "mockhub/world/hub_change.h"

namespace mockhub {

// Connection: true when a verb took the connection (refuse): no answer follows.
bool ApplyConnectionFaults(const FaultPlan& plan, FaultInjector& injector);
// Request: edits of the request (ignore_range removes Range and If-Range),
// waits (delays add up, at most kMaxStallMs in all) and the hub changes the
// request makes (step), appended to `changes` for the request flow to apply
// once the answer is decided.
void ApplyRequestFaults(const FaultPlan& plan, HttpRequest& request, FaultInjector& injector,
                        std::vector<HubChange>& changes);
// Answer: the answer that replaces the site's, when the plan has one: the
// relative 307 through kHopPrefix, or the status verb's response (whichever
// matching fault came first; the plan holds only that one).
std::optional<HttpResponse> FaultAnswer(const FaultPlan& plan, const HttpRequest& request);
// Headers: dropped and set headers in fault order, the "fault:" journal
// flags, and an inline body made streamable when a body verb must reach it.
void ApplyFaultPlan(const FaultPlan& plan, HttpResponse& response);

// Body: the verbs on one chunk of the body (BodyChunk), before it is read,
// on its bytes and once it is sent. False: the body ends short here
// (chunk.end).
bool ApplyBodyFaults(const FaultPlan& plan, BodyChunk& chunk, FaultInjector& injector);

}  // namespace mockhub
