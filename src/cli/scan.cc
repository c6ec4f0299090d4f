// `aisafe scan`: one text (a file or standard input) or, with --jsonl, a stream of JSON lines,
// scanned offline with a policy file or the default policy. The rules come compiled from the
// offline cache (cli/offline.h), so a run costs milliseconds after the machine's first.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <fcntl.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/offline.h"
#include "core/utf8.h"
#include "http/response.h"
#include "policy/decision_json.h"

namespace aisafe::cli {

namespace {
namespace json = boost::json;

// A line longer than this is refused (payload_too_large) and skipped without being held: the
// HTTP API's body limit, so a text the server would refuse is refused here too.
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
// Input is read this much at a time, and the output is flushed before each read: a consumer sees
// every answer to what has been read before the scan waits for more, and a flush costs one write
// per 64 KB of input at full speed.
constexpr std::size_t kReadChunkBytes = std::size_t{64} * 1024;
// As the HTTP API (http/json_body.h): deeper lines get json_too_deep.
constexpr std::size_t kMaxJsonDepth = 64;

bool readAll(const char* path, std::string& out) {
  std::stringstream ss;
  if (std::strcmp(path, "-") == 0) {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return false;
    }
    ss << in.rdbuf();
  }
  out = ss.str();
  return true;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "aisafe scan: %s\n", message.c_str());
  return 2;
}

// The policy file (or the default policy) compiled against the offline registry.
Result<std::shared_ptr<const policy::CompiledPolicy>> loadPolicy(const char* policy_file) {
  AISAFE_TRY(auto registry, loadOfflineRegistry());
  AISAFE_TRY(policy::PolicySpec spec, loadPolicyFile(policy_file, *registry));
  const std::string policy_id = policy_file != nullptr ? policy_file : "default";
  return policy::compilePolicy(policy_id, 1, std::move(spec), *registry);
}

// Lines of a file descriptor, holding at most one line (up to kMaxLineBytes) and one chunk.
class LineReader {
 public:
  enum class Next { kLine, kTooLong, kEnd, kError };

  // `flush` is flushed before every read that may wait.
  LineReader(int fd, std::FILE* flush) : fd_(fd), flush_(flush) { buffer_.resize(kReadChunkBytes); }

  // The next line without its '\n' (valid until the next call). kTooLong: a line over
  // kMaxLineBytes was skipped; kError: reading failed (errno says why).
  Next next(std::string_view& line) {
    bool too_long = false;
    for (;;) {
      const char* start = buffer_.data() + begin_;
      if (const void* nl = std::memchr(start, '\n', end_ - begin_); nl != nullptr) {
        const auto length = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
        begin_ += length + 1;
        if (too_long) {
          return Next::kTooLong;
        }
        line = std::string_view(start, length);
        return Next::kLine;
      }
      if (end_ - begin_ > kMaxLineBytes) {
        too_long = true;  // what is held goes; the rest of the line is dropped as it comes
        begin_ = end_ = 0;
      }
      if (eof_) {
        if (too_long) {
          return Next::kTooLong;
        }
        if (begin_ == end_) {
          return Next::kEnd;
        }
        line = std::string_view(start, end_ - begin_);  // the last line, without a '\n'
        begin_ = end_;
        return Next::kLine;
      }
      if (!fill()) {
        return Next::kError;
      }
    }
  }

 private:
  bool fill() {
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buffer_.size() - end_ < kReadChunkBytes) {
      buffer_.resize(end_ + kReadChunkBytes);
    }
    std::fflush(flush_);
    for (;;) {
      const ssize_t n = ::read(fd_, buffer_.data() + end_, kReadChunkBytes);
      if (n > 0) {
        end_ += static_cast<std::size_t>(n);
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return true;
      }
      if (errno != EINTR) {
        return false;
      }
    }
  }

  int fd_;
  std::FILE* flush_;
  std::string buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
};

// One JSON line's scan: the decision or an error object, written as one line.
class JsonlScanner {
 public:
  JsonlScanner(const policy::CompiledPolicy& policy, bool response, std::FILE* out)
      : policy_(policy), response_(response), out_(out) {}

  void scanLine(std::string_view line, std::size_t line_number) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      return;  // blank lines separate nothing and are skipped, as JSON-lines readers do
    }
    if (auto bad = utf8::firstInvalid(line)) {
      error(nullptr, line_number, "invalid_utf8",
            "the line is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
      return;
    }
    // The line's values live in one block reused for every line, sized for the line.
    if (memory_.size() < line.size() + 1024) {
      memory_.resize(line.size() + 1024);
    }
    json::monotonic_resource resource(memory_.data(), memory_.size());
    json::parse_options options;
    options.max_depth = kMaxJsonDepth;
    boost::system::error_code ec;
    const json::value doc = json::parse(line, ec, &resource, options);
    if (ec == json::error::too_deep) {
      error(nullptr, line_number, "json_too_deep",
            "JSON nesting is deeper than " + std::to_string(kMaxJsonDepth));
      return;
    }
    if (ec) {
      error(nullptr, line_number, "invalid_json", "the line is not valid JSON: " + ec.message());
      return;
    }
    if (!doc.is_object()) {
      error(nullptr, line_number, "invalid_json", "a line must be a JSON object");
      return;
    }
    const json::object& obj = doc.get_object();
    const json::value* id = obj.if_contains("id");
    const json::value* text = obj.if_contains("text");
    if (text == nullptr) {
      error(id, line_number, "missing_field", "\"text\" is required");
      return;
    }
    if (!text->is_string()) {
      error(id, line_number, "invalid_type", "\"text\" must be a string");
      return;
    }
    detect::Surface surface = response_ ? detect::Surface::kOutput : detect::Surface::kInput;
    if (const auto* source = obj.if_contains("source"); source != nullptr && !source->is_null()) {
      const json::string* name = source->if_string();
      if (name == nullptr) {
        error(id, line_number, "invalid_type", "\"source\" must be a string");
        return;
      }
      if (*name == "prompt" || *name == "user") {
        surface = detect::Surface::kInput;
      } else if (*name == "retrieved") {
        surface = detect::Surface::kRetrieved;
      } else if (*name == "response") {
        surface = detect::Surface::kOutput;
      } else {
        error(id, line_number, "invalid_value",
              "\"source\" must be \"prompt\", \"user\", \"retrieved\" or \"response\"");
        return;
      }
    }
    const std::string_view input(text->get_string().data(), text->get_string().size());
    findings_.clear();
    if (auto st = policy_.pipeline->scan(input, surface, scratch_, findings_); !st.isOk()) {
      error(id, line_number, "scan_failed", st.message());
      return;
    }
    auto decision = policy::decide(policy_.spec, std::move(findings_), input);
    const bool output = surface == detect::Surface::kOutput;
    const std::string rendered = http::serializeJson(
        policy::decisionJson(decision, policy_, output ? "response" : "prompt"));
    // The decision as a single scan prints it, with "id" and "line" in front.
    line_ = "{";
    if (id != nullptr) {
      line_ += "\"id\":";
      line_ += json::serialize(*id);
      line_ += ',';
    }
    line_ += "\"line\":";
    line_ += std::to_string(line_number);
    line_ += rendered.size() > 2 ? "," : "";
    line_.append(rendered, 1);
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), out_);
    ++scanned_;
    if (decision.action == policy::Action::kBlock) {
      ++blocked_;
    }
  }

  // A line that could not be scanned: {"id"?, "line", "error": {"code", "message"}}.
  void error(const json::value* id, std::size_t line_number, std::string_view code,
             std::string_view message) {
    json::object o;
    if (id != nullptr) {
      o["id"] = *id;
    }
    o["line"] = line_number;
    o["error"] = json::object{{"code", code}, {"message", message}};
    line_ = json::serialize(o);
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), out_);
    ++errors_;
  }

  std::size_t scanned() const { return scanned_; }
  std::size_t blocked() const { return blocked_; }
  std::size_t errors() const { return errors_; }

 private:
  const policy::CompiledPolicy& policy_;
  const bool response_;
  std::FILE* out_;
  detect::ScanScratch scratch_;
  detect::Findings findings_;
  std::vector<unsigned char> memory_;
  std::string line_;
  std::size_t scanned_ = 0;
  std::size_t blocked_ = 0;
  std::size_t errors_ = 0;
};

}  // namespace

int scan(const char* policy_file, const char* input_file, bool response) {
  auto compiled = loadPolicy(policy_file);
  if (!compiled) {
    return fail(compiled.status().message());
  }
  std::string text;
  if (!readAll(input_file, text)) {
    return fail(std::string("cannot read ") + input_file);
  }
  if (auto bad = utf8::firstInvalid(text)) {
    return fail("input is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  }
  detect::ScanScratch scratch;
  detect::Findings findings;
  const auto surface = response ? detect::Surface::kOutput : detect::Surface::kInput;
  if (auto st = (*compiled)->pipeline->scan(text, surface, scratch, findings); !st.isOk()) {
    return fail(st.message());
  }
  auto decision = policy::decide((*compiled)->spec, std::move(findings), text);
  const auto out = policy::decisionJson(decision, **compiled, response ? "response" : "prompt");
  std::printf("%s\n", http::serializeJson(out).c_str());
  return decision.action == policy::Action::kBlock ? 1 : 0;
}

int scanJsonl(const char* policy_file, const char* input_file, bool response) {
  const bool from_stdin = std::strcmp(input_file, "-") == 0;
  const int fd = from_stdin ? STDIN_FILENO : ::open(input_file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(std::string("cannot read ") + input_file + ": " + std::strerror(errno));
  }
  auto compiled = loadPolicy(policy_file);
  if (!compiled) {
    if (!from_stdin) {
      ::close(fd);
    }
    return fail(compiled.status().message());
  }
  // Full buffering whatever stdout is: LineReader flushes it before it waits for input.
  std::setvbuf(stdout, nullptr, _IOFBF, kReadChunkBytes);

  JsonlScanner scanner(**compiled, response, stdout);
  LineReader reader(fd, stdout);
  std::size_t line_number = 0;
  int code = 0;
  for (;;) {
    std::string_view line;
    const auto next = reader.next(line);
    if (next == LineReader::Next::kEnd) {
      break;
    }
    if (next == LineReader::Next::kError) {
      code = fail(std::string("cannot read ") + input_file + ": " + std::strerror(errno));
      break;
    }
    ++line_number;
    if (next == LineReader::Next::kTooLong) {
      scanner.error(nullptr, line_number, "payload_too_large",
                    "the line is longer than " + std::to_string(kMaxLineBytes) + " bytes");
      continue;
    }
    scanner.scanLine(line, line_number);
  }
  if (!from_stdin) {
    ::close(fd);
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    return fail(std::string("cannot write the output: ") + std::strerror(errno));
  }
  if (code != 0) {
    return code;
  }
  if (scanner.errors() > 0) {
    std::fprintf(stderr, "aisafe scan: %zu of %zu lines could not be scanned (see their errors)\n",
                 scanner.errors(), scanner.errors() + scanner.scanned());
  }
  // A line that could not be scanned must not pass for an allowed one in a pipeline that reads
  // only the exit code; a block still says more, so it wins.
  if (scanner.blocked() > 0) {
    return 1;
  }
  return scanner.errors() > 0 ? 3 : 0;
}

}  // namespace aisafe::cli
