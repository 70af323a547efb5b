#include "pardo/opt/monitor.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/validate.hpp"

namespace pardo::opt {

namespace {

// Shortest text that reads back as the same double; JSON has no NaN or infinity.
std::string exact(double x, bool json) {
  if (!std::isfinite(x)) {
    if (json) return "null";
    return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}

}  // namespace

void MemoryMonitor::generation(const Status& status) {
  generations_.push_back({status.generation, status.evaluations, status.best_value,
                          std::vector<double>(status.best_x.begin(), status.best_x.end()),
                          status.seconds});
}

void MemoryMonitor::evaluations(std::span<const double> points, std::size_t /*dim*/,
                                std::span<const double> values) {
  if (!keep_evaluations_) return;
  points_.insert(points_.end(), points.begin(), points.end());
  values_.insert(values_.end(), values.begin(), values.end());
}

PrintMonitor::PrintMonitor(std::FILE* out, std::uint64_t every) : out_(out), every_(every) {
  if (out == nullptr) pardo::detail::throw_invalid("PrintMonitor", "the stream is null");
  pardo::detail::require_positive(every, "PrintMonitor", "every");
}

void PrintMonitor::generation(const Status& s) {
  if (s.generation % every_ != 0) return;
  std::fprintf(out_, "generation %llu: best %.10g after %llu evaluations (%.3g s)\n",
               static_cast<unsigned long long>(s.generation), s.best_value,
               static_cast<unsigned long long>(s.evaluations), s.seconds);
  std::fflush(out_);
}

LogMonitor::LogMonitor(const std::string& path, LogFormat format)
    : path_(path), format_(format), file_(std::fopen(path.c_str(), "w")) {
  if (file_ == nullptr) {
    throw std::runtime_error("LogMonitor: cannot create " + path + ": " + std::strerror(errno));
  }
}

LogMonitor::~LogMonitor() { std::fclose(file_); }

void LogMonitor::generation(const Status& s) {
  std::string line;
  const bool json = format_ == LogFormat::json_lines;
  if (json) {
    line = "{\"generation\":" + std::to_string(s.generation) +
           ",\"evaluations\":" + std::to_string(s.evaluations) +
           ",\"seconds\":" + exact(s.seconds, true) +
           ",\"best_value\":" + exact(s.best_value, true) + ",\"best_x\":[";
    for (std::size_t j = 0; j < s.best_x.size(); ++j) {
      if (j > 0) line += ',';
      line += exact(s.best_x[j], true);
    }
    line += "]}\n";
  } else {
    if (!header_written_) {
      line = "generation,evaluations,seconds,best_value";
      for (std::size_t j = 0; j < s.best_x.size(); ++j) {
        line += ",x";
        line += std::to_string(j);
      }
      line += "\n";
      header_written_ = true;
    }
    line += std::to_string(s.generation) + "," + std::to_string(s.evaluations) + "," +
            exact(s.seconds, false) + "," + exact(s.best_value, false);
    for (const double x : s.best_x) {
      line += ',';
      line += exact(x, false);
    }
    line += "\n";
  }
  if (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0) {
    throw std::runtime_error("LogMonitor: cannot write " + path_ + ": " + std::strerror(errno));
  }
}

}  // namespace pardo::opt
