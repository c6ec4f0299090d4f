// The "injection_classifier" detector: the learned model (model.h) scores the whole text and
// reports one finding, category prompt_injection, type "classifier", when the calibrated
// probability reaches the flag threshold (the policy's thresholds.classifier_flag, else the
// model's own). From the block threshold (thresholds.classifier_block) the finding blocks on
// its own (band "block"); between the two it needs corroboration (band "flag", see
// Finding::needs_corroboration). Its span is the window that scored highest. Rules catch known phrasings with exact evidence;
// this catches paraphrases, translations and role-play the rules have no words for.
//
// The model is compiled into the binary (models/injection.bin); INJECTION_MODEL names a file
// to use instead, which must load or the start fails with the reason.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "detect/detector.h"
#include "detectors/injection_classifier/model.h"

namespace aisafe::detectors {

// `model_path` empty: the embedded model. `digest` receives a SHA-256 of the model bytes, for
// the registry's fingerprint.
Result<std::unique_ptr<detect::DetectorFactory>> makeInjectionClassifierFactory(
    const std::string& model_path, std::string& digest);

// A factory over a model in memory (leave-one-source-out evaluation trains one per source).
std::unique_ptr<detect::DetectorFactory> makeInjectionClassifierFactory(
    std::shared_ptr<const classifier::Model> model);

// The model compiled into the binary.
std::string_view embeddedInjectionModel();

}  // namespace aisafe::detectors
