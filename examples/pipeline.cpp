// A three-stage pipeline: a serial source reads lines, a parallel stage splits each into
// lower-case words, and a serial in-order stage counts them and numbers the lines in the
// order they were read. At most 4 lines per worker are in the pipeline at once, so a file
// of any size runs in constant memory. Without a file it makes its own text; it checks
// the counts against a serial pass and exits 1 if they differ.
//
//   pipeline [file ("": made-up text)] [workers]

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <pardo/flow.hpp>
#include <pardo/thread_pool.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : line + ' ') {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  return words;
}

std::string made_up_text() {
  const char* verse[] = {
      "The quick brown fox jumps over the lazy dog", "Pack my box with five dozen liquor jugs",
      "How vexingly quick daft zebras jump", "The five boxing wizards jump quickly"};
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::string(verse[(i * 7) % 4]) + '\n';
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::stringstream text;
  if (argc > 1 && argv[1][0] != '\0') {
    std::ifstream file(argv[1]);
    if (!file) {
      std::fprintf(stderr, "pipeline: %s: cannot open\n", argv[1]);
      return 2;
    }
    text << file.rdbuf();
  } else {
    text << made_up_text();
  }
  const std::size_t workers = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0;
  pardo::ThreadPool pool(workers);

  std::map<std::string, long> counts;
  long lines = 0;
  const pardo::PipelineRun run = pardo::run_pipeline(
      pool, 4 * pool.size(), pardo::source([&]() -> std::optional<std::string> {
        std::string line;
        if (!std::getline(text, line)) return std::nullopt;
        return line;
      }),
      pardo::stage(pardo::StageMode::parallel, [](std::string line) { return words_of(line); }),
      pardo::stage(pardo::StageMode::serial_in_order, [&](std::vector<std::string> words) {
        ++lines;
        for (const std::string& w : words) ++counts[w];
      }));

  // The same count, serially.
  text.clear();
  text.seekg(0);
  std::map<std::string, long> serial;
  for (std::string line; std::getline(text, line);) {
    for (const std::string& w : words_of(line)) ++serial[w];
  }
  std::printf("%llu lines on %zu workers, %zu distinct words\n",
              static_cast<unsigned long long>(run.items), pool.size(), counts.size());
  long shown = 0;
  for (const auto& [word, n] : counts) {
    if (shown++ < 5) std::printf("  %-10s %ld\n", word.c_str(), n);
  }
  if (counts != serial || lines != static_cast<long>(run.items)) {
    std::fprintf(stderr, "pipeline: the counts differ from a serial pass\n");
    return 1;
  }
  std::printf("the same counts as a serial pass\n");
  return 0;
}
