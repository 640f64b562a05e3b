// A FaultPlan applied stage by stage: each stage is applied here, in one
// place, by calling its verbs' apply functions (fault_verbs.cc) in plan
// order. The glue calls the stages in the order a request meets them
// (request_flow.cc, body_writer.cc, server.cc); unit-tested without sockets.
#include "mockhub/faults/fault_plan.h"
#include "mockhub/faults/fault_verbs.h"

namespace mockhub {

namespace {

// Applies the plan's verbs of one stage, until one takes the connection or
// ends the body.
void ApplyStage(const FaultPlan& plan, FaultStage stage, StageCall& call) {
  for (const FaultVerb& v : plan.verbs) {
    if (v.row->stage != stage) continue;
    v.row->apply(*v.params, call);
    if (call.taken || (call.chunk && call.chunk->end)) return;
  }
}

}  // namespace

bool FaultPlan::Has(FaultStage stage) const {
  for (const FaultVerb& v : verbs) {
    if (v.row->stage == stage) return true;
  }
  return false;
}

bool ApplyConnectionFaults(const FaultPlan& plan, FaultInjector& injector) {
  StageCall call;
  call.injector = &injector;
  ApplyStage(plan, FaultStage::kConnection, call);
  return call.taken;
}

void ApplyRequestFaults(const FaultPlan& plan, HttpRequest& req, FaultInjector& injector,
                        std::vector<HubChange>& changes) {
  StageCall call;
  call.injector = &injector;
  call.request = &req;
  call.changes = &changes;
  ApplyStage(plan, FaultStage::kRequest, call);
}

std::optional<HttpResponse> FaultAnswer(const FaultPlan& plan, const HttpRequest& req) {
  std::optional<HttpResponse> answer;
  StageCall call;
  call.asked = &req;
  call.answer = &answer;
  ApplyStage(plan, FaultStage::kAnswer, call);
  return answer;
}

void ApplyFaultPlan(const FaultPlan& plan, HttpResponse& res) {
  StageCall call;
  call.response = &res;
  ApplyStage(plan, FaultStage::kHeaders, call);
  res.flags.insert(res.flags.end(), plan.fired.begin(), plan.fired.end());
  if (plan.Has(FaultStage::kBody) && !res.content && !res.body.empty()) {
    res.content = Content::Inline(res.body);
    res.content_offset = 0;
    res.content_length = res.body.size();
  }
}

bool ApplyBodyFaults(const FaultPlan& plan, BodyChunk& chunk, FaultInjector& injector) {
  StageCall call;
  call.injector = &injector;
  call.chunk = &chunk;
  ApplyStage(plan, FaultStage::kBody, call);
  return !chunk.end;
}

}  // namespace mockhub
