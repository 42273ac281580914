// Classifies one image with MobileNetV2 at 96x96, compiled into this program
// by tessel_add_network() (see CMakeLists.txt): reads a raw image, runs the
// network, prints the five highest-scoring classes and the time per run.
//
//   classify [--input IMAGE.raw] [--repeat N]
//
// IMAGE.raw holds 3x96x96 float32 values in NCHW order (all of channel 0,
// then 1, then 2), normalized as the network was trained. Without --input
// the program makes a synthetic image, so it runs without any files.
#include "mobilenet.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

// All of the network's memory is static: the arena size is a compile-time
// constant, and nothing is allocated while running.
alignas(mobilenet::kArenaAlignment) unsigned char arena[mobilenet::kArenaBytes];
float image[mobilenet::kInputElements];
float scores[mobilenet::kOutputElements];

bool readImage(const char *path) {
  std::FILE *file = std::fopen(path, "rb");
  if (file == nullptr) {
    std::fprintf(stderr, "classify: cannot open '%s'\n", path);
    return false;
  }
  const size_t got = std::fread(image, sizeof(float), mobilenet::kInputElements, file);
  const bool extra = std::fgetc(file) != EOF;
  std::fclose(file);
  if (got != mobilenet::kInputElements || extra) {
    std::fprintf(stderr, "classify: '%s' must hold exactly %lu float32 values (%dx%dx%d)\n", path,
                 mobilenet::kInputElements, mobilenet::kInputChannels, mobilenet::kInputHeight,
                 mobilenet::kInputWidth);
    return false;
  }
  return true;
}

// A smooth gradient, different in each channel: a stand-in for a photo.
void makeSyntheticImage() {
  const int height = mobilenet::kInputHeight, width = mobilenet::kInputWidth;
  for (int c = 0; c < mobilenet::kInputChannels; ++c)
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        image[(c * height + y) * width + x] =
            float(c + 1) * float(x + 2 * y) / float(3 * (width + 2 * height)) - 0.5f;
}

} // namespace

int main(int argc, char **argv) {
  const char *inputPath = nullptr;
  int repeat = 10;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--input") && i + 1 < argc)
      inputPath = argv[++i];
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--input IMAGE.raw] [--repeat N]\n", argv[0]);
      return 2;
    }
  }
  if (repeat < 1) {
    std::fprintf(stderr, "classify: --repeat must be at least 1\n");
    return 2;
  }
  if (inputPath == nullptr)
    makeSyntheticImage();
  else if (!readImage(inputPath))
    return 1;

  // The median of several runs: the first one also pays for page faults.
  std::vector<double> milliseconds;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const int status = mobilenet_run(image, scores, arena);
    const auto stop = std::chrono::steady_clock::now();
    if (status != 0) {
      std::fprintf(stderr, "classify: the network failed with status %d\n", status);
      return 1;
    }
    milliseconds.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());

  // The five highest scores, best first.
  std::vector<int> classes(mobilenet::kOutputElements);
  for (size_t i = 0; i < classes.size(); ++i)
    classes[i] = int(i);
  std::partial_sort(classes.begin(), classes.begin() + 5, classes.end(),
                    [](int a, int b) { return scores[a] > scores[b]; });

  std::printf("MobileNetV2 %dx%d: %.2f ms per run (median of %d), arena %lu KiB\n",
              mobilenet::kInputHeight, mobilenet::kInputWidth,
              milliseconds[milliseconds.size() / 2], repeat, mobilenet::kArenaBytes / 1024);
  std::printf("top-5:");
  for (int k = 0; k < 5; ++k)
    std::printf(" %d (%.4f)", classes[k], double(scores[classes[k]]));
  std::printf("\n");
  return 0;
}
