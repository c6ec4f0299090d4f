// The audit trail's writer: validation records in batches, off the request path (see
// batch_writer.h for the queueing, dropping and flushing rules).
#pragma once

#include "storage/batch_writer.h"
#include "storage/validation_repository.h"

namespace aisafe::storage {

using AuditWriterOptions = BatchWriterOptions;

class AuditWriter : public BatchWriter<ValidationRecord> {
 public:
  AuditWriter(ValidationRepository& repo, AuditWriterOptions options, ErrorHandler on_error = {},
              Observer observer = {})
      : BatchWriter(
            [&repo](const std::vector<ValidationRecord>& batch) { return repo.insertBatch(batch); },
            options, std::move(on_error), std::move(observer)) {}
};

}  // namespace aisafe::storage
