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

// A JSON string: quotes, backslashes and control characters escaped.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char code[8];
      std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(c));
      out += code;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_array(std::span<const double> x) {
  std::string out = "[";
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (j > 0) out += ',';
    out += exact(x[j], true);
  }
  return out + "]";
}

}  // namespace

void MemoryMonitor::failure(std::span<const double> x, const std::string& reason,
                            double /*penalty*/) {
  failures_.push_back({std::vector<double>(x.begin(), x.end()), reason});
}

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

void PrintMonitor::failure(std::span<const double> x, const std::string& reason, double penalty) {
  std::string point = "[";
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (j > 0) point += ", ";
    point += exact(x[j], false);
  }
  point += "]";
  std::fprintf(out_, "evaluation failed at x = %s: %s; value set to %g\n", point.c_str(),
               reason.c_str(), penalty);
  std::fflush(out_);
}

LogMonitor::LogMonitor(const std::string& path, LogFormat format, LogEvents events)
    : path_(path), format_(format), events_(events), file_(std::fopen(path.c_str(), "w")) {
  if (file_ == nullptr) {
    throw std::runtime_error("LogMonitor: cannot create " + path + ": " + std::strerror(errno));
  }
}

LogMonitor::~LogMonitor() { std::fclose(file_); }

void LogMonitor::evaluations(std::span<const double> points, std::size_t dim,
                             std::span<const double> values) {
  if (events_ != LogEvents::evaluations) return;
  const bool json = format_ == LogFormat::json_lines;
  std::string lines;
  if (!json && !header_written_) {
    lines = "evaluation,value";
    for (std::size_t j = 0; j < dim; ++j) {
      lines += ",x";
      lines += std::to_string(j);
    }
    lines += "\n";
    header_written_ = true;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::span<const double> x = points.subspan(i * dim, dim);
    ++evaluated_;
    if (json) {
      lines += "{\"evaluation\":" + std::to_string(evaluated_) +
               ",\"value\":" + exact(values[i], true) + ",\"x\":" + json_array(x) + "}\n";
    } else {
      lines += std::to_string(evaluated_) + "," + exact(values[i], false);
      for (const double v : x) {
        lines += ',';
        lines += exact(v, false);
      }
      lines += "\n";
    }
  }
  write(lines);
}

void LogMonitor::generation(const Status& s) {
  if (events_ != LogEvents::generations) return;
  std::string line;
  const bool json = format_ == LogFormat::json_lines;
  if (json) {
    line = "{\"generation\":" + std::to_string(s.generation) +
           ",\"evaluations\":" + std::to_string(s.evaluations) +
           ",\"failures\":" + std::to_string(s.failures) +
           ",\"seconds\":" + exact(s.seconds, true) +
           ",\"best_value\":" + exact(s.best_value, true) + ",\"best_x\":" + json_array(s.best_x) +
           "}\n";
  } else {
    if (!header_written_) {
      line = "generation,evaluations,failures,seconds,best_value";
      for (std::size_t j = 0; j < s.best_x.size(); ++j) {
        line += ",x";
        line += std::to_string(j);
      }
      line += "\n";
      header_written_ = true;
    }
    line += std::to_string(s.generation) + "," + std::to_string(s.evaluations) + "," +
            std::to_string(s.failures) + "," + exact(s.seconds, false) + "," +
            exact(s.best_value, false);
    for (const double x : s.best_x) {
      line += ',';
      line += exact(x, false);
    }
    line += "\n";
  }
  write(line);
}

void LogMonitor::failure(std::span<const double> x, const std::string& reason, double penalty) {
  if (format_ != LogFormat::json_lines) return;
  write("{\"failure\":" + quoted(reason) + ",\"x\":" + json_array(x) +
        ",\"penalty\":" + exact(penalty, true) + "}\n");
}

void LogMonitor::write(const std::string& line) {
  if (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0) {
    throw std::runtime_error("LogMonitor: cannot write " + path_ + ": " + std::strerror(errno));
  }
}

}  // namespace pardo::opt
